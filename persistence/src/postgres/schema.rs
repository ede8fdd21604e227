// @generated automatically by Diesel CLI.

diesel::table! {
    alert_rules (id) {
        id -> Int8,
        owner_id -> Int8,
        assistant_id -> Nullable<Int8>,
        metric -> Text,
        threshold -> Float8,
        window_minutes -> Int4,
        min_calls -> Int4,
        webhook_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    assistants (id) {
        id -> Int8,
        owner_id -> Int8,
        name -> Text,
        model_type -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    breakdown_rollups (assistant_id, width_seconds, bucket, model, status) {
        assistant_id -> Int8,
        width_seconds -> Int4,
        bucket -> Timestamptz,
        model -> Text,
        status -> Text,
        samples -> Int8,
        calls -> Int8,
        errors -> Int8,
        duration_ms -> Int8,
        cost_nanos -> Int8,
        tokens_in -> Int8,
        tokens_out -> Int8,
        latency_calls -> Int8,
        latency_sum_ms -> Int8,
        latency_first_bin -> Int4,
        latency_bins -> Array<Nullable<Int8>>,
        llm_calls -> Int8,
        llm_call_runs -> Int8,
        tool_calls -> Int8,
        tool_call_runs -> Int8,
        cache_read_tokens -> Int8,
        cache_read_tokens_in -> Int8,
    }
}

diesel::table! {
    budget_alerts (id) {
        id -> Int8,
        budget_id -> Int8,
        period_start -> Date,
        spent_nanos -> Int8,
        limit_nanos -> Int8,
        triggered_at -> Timestamptz,
        threshold -> Int4,
    }
}

diesel::table! {
    budgets (id) {
        id -> Int8,
        owner_id -> Int8,
        assistant_id -> Nullable<Int8>,
        period -> Text,
        limit_nanos -> Int8,
        created_at -> Timestamptz,
        thresholds -> Array<Nullable<Int4>>,
        domain -> Nullable<Text>,
        webhook_id -> Nullable<Int8>,
    }
}

diesel::table! {
    connections (id) {
        id -> Int8,
        owner_id -> Int8,
        integration -> Text,
        name -> Text,
        secret -> Bytea,
        secret_hint -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    day_rollups (assistant_id, day) {
        assistant_id -> Int8,
        day -> Date,
        samples -> Int8,
        calls -> Int8,
        errors -> Int8,
        duration_ms -> Int8,
        cost_nanos -> Int8,
        tokens_in -> Int8,
        tokens_out -> Int8,
        updated_at -> Timestamptz,
        llm_calls -> Int8,
        llm_call_runs -> Int8,
        tool_calls -> Int8,
        tool_call_runs -> Int8,
        cache_read_tokens -> Int8,
        cache_read_tokens_in -> Int8,
    }
}

diesel::table! {
    export_link_uses (id) {
        id -> Text,
        expires_at -> Timestamptz,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    ingest_keys (id) {
        id -> Int8,
        assistant_id -> Int8,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    label_rollups (assistant_id, width_seconds, bucket, dimension, label) {
        assistant_id -> Int8,
        width_seconds -> Int4,
        bucket -> Timestamptz,
        dimension -> Text,
        label -> Text,
        calls -> Int8,
        errors -> Int8,
        cost_nanos -> Int8,
    }
}

diesel::table! {
    model_prices (id) {
        id -> Int8,
        model -> Text,
        effective_from -> Timestamptz,
        input_nanos_per_mtok -> Int8,
        output_nanos_per_mtok -> Int8,
        created_at -> Timestamptz,
        cache_read_nanos_per_mtok -> Nullable<Int8>,
        owner_id -> Nullable<Int8>,
    }
}

diesel::table! {
    points (source_id, ts) {
        source_id -> Int8,
        ts -> Timestamptz,
        value -> Float8,
        dimensions -> Jsonb,
    }
}

diesel::table! {
    rule_alerts (id) {
        id -> Int8,
        rule_id -> Int8,
        assistant_id -> Int8,
        metric -> Text,
        threshold -> Float8,
        window_minutes -> Int4,
        value -> Float8,
        calls -> Int8,
        window_start -> Timestamptz,
        triggered_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
        resolved_value -> Nullable<Float8>,
    }
}

diesel::table! {
    sample_client_ids (assistant_id, client_id) {
        assistant_id -> Int8,
        client_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sources (id) {
        id -> Int8,
        owner_id -> Int8,
        template_id -> Text,
        name -> Text,
        parameters -> Jsonb,
        connection_id -> Nullable<Int8>,
        frequency -> Text,
        is_time_series -> Bool,
        next_poll_at -> Nullable<Timestamptz>,
        lease_until -> Nullable<Timestamptz>,
        last_fetched_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        consecutive_failures -> Int4,
        backfilled_at -> Nullable<Timestamptz>,
        sample -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    time_rollups (assistant_id, width_seconds, bucket) {
        assistant_id -> Int8,
        width_seconds -> Int4,
        bucket -> Timestamptz,
        samples -> Int8,
        calls -> Int8,
        errors -> Int8,
        duration_ms -> Int8,
        cost_nanos -> Int8,
        tokens_in -> Int8,
        tokens_out -> Int8,
        llm_calls -> Int8,
        llm_call_runs -> Int8,
        tool_calls -> Int8,
        tool_call_runs -> Int8,
        cache_read_tokens -> Int8,
        cache_read_tokens_in -> Int8,
    }
}

diesel::table! {
    transformers (id) {
        id -> Int8,
        template_id -> Text,
        endpoint -> Text,
        source_id -> Nullable<Int8>,
        version -> Int4,
        program -> Text,
        origin -> Text,
        status -> Text,
        failure_count -> Int4,
        input_example -> Nullable<Jsonb>,
        output_example -> Nullable<Jsonb>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    usage_samples (id, ts) {
        id -> Int8,
        assistant_id -> Int8,
        ts -> Timestamptz,
        kind -> Text,
        calls -> Int8,
        errors -> Int8,
        duration_ms -> Int8,
        cost_nanos -> Int8,
        tokens_in -> Int8,
        tokens_out -> Int8,
        model -> Nullable<Text>,
        status -> Nullable<Text>,
        status_code -> Nullable<Int2>,
        latency_ms -> Nullable<Int4>,
        country -> Nullable<Text>,
        domain -> Nullable<Text>,
        metadata -> Nullable<Jsonb>,
        client_id -> Nullable<Text>,
        ingested_at -> Timestamptz,
        session_id -> Nullable<Text>,
        llm_calls -> Nullable<Int4>,
        tool_calls -> Nullable<Int4>,
        cache_read_tokens -> Nullable<Int8>,
        price_id -> Nullable<Int8>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        name -> Nullable<Text>,
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        webhook_id -> Int8,
        budget_alert_id -> Nullable<Int8>,
        payload -> Text,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        lease_until -> Nullable<Timestamptz>,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        rule_alert_id -> Nullable<Int8>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Int8,
        owner_id -> Int8,
        url -> Text,
        secret -> Text,
        created_at -> Timestamptz,
        secret_rotated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    widgets (id) {
        id -> Int8,
        owner_id -> Int8,
        source_id -> Int8,
        title -> Text,
        chart_type -> Text,
        date_range -> Text,
        aggregation -> Text,
        bucket -> Text,
        dimensions -> Jsonb,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(alert_rules -> assistants (assistant_id));
diesel::joinable!(alert_rules -> users (owner_id));
diesel::joinable!(alert_rules -> webhooks (webhook_id));
diesel::joinable!(assistants -> users (owner_id));
diesel::joinable!(breakdown_rollups -> assistants (assistant_id));
diesel::joinable!(budget_alerts -> budgets (budget_id));
diesel::joinable!(budgets -> assistants (assistant_id));
diesel::joinable!(budgets -> users (owner_id));
diesel::joinable!(budgets -> webhooks (webhook_id));
diesel::joinable!(connections -> users (owner_id));
diesel::joinable!(day_rollups -> assistants (assistant_id));
diesel::joinable!(ingest_keys -> assistants (assistant_id));
diesel::joinable!(label_rollups -> assistants (assistant_id));
diesel::joinable!(model_prices -> users (owner_id));
diesel::joinable!(points -> sources (source_id));
diesel::joinable!(rule_alerts -> alert_rules (rule_id));
diesel::joinable!(rule_alerts -> assistants (assistant_id));
diesel::joinable!(sample_client_ids -> assistants (assistant_id));
diesel::joinable!(sources -> connections (connection_id));
diesel::joinable!(sources -> users (owner_id));
diesel::joinable!(time_rollups -> assistants (assistant_id));
diesel::joinable!(transformers -> sources (source_id));
diesel::joinable!(transformers -> users (created_by));
diesel::joinable!(usage_samples -> assistants (assistant_id));
diesel::joinable!(webhook_deliveries -> budget_alerts (budget_alert_id));
diesel::joinable!(webhook_deliveries -> rule_alerts (rule_alert_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> users (owner_id));
diesel::joinable!(widgets -> sources (source_id));
diesel::joinable!(widgets -> users (owner_id));

diesel::allow_tables_to_appear_in_same_query!(
    alert_rules,
    assistants,
    breakdown_rollups,
    budget_alerts,
    budgets,
    connections,
    day_rollups,
    export_link_uses,
    ingest_keys,
    label_rollups,
    model_prices,
    points,
    rule_alerts,
    sample_client_ids,
    sources,
    time_rollups,
    transformers,
    usage_samples,
    users,
    webhook_deliveries,
    webhooks,
    widgets,
);
