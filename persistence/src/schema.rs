// @generated automatically by Diesel CLI.

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
    sample_client_ids (assistant_id, client_id) {
        assistant_id -> Int8,
        client_id -> Text,
        created_at -> Timestamptz,
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
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(assistants -> users (owner_id));
diesel::joinable!(day_rollups -> assistants (assistant_id));
diesel::joinable!(ingest_keys -> assistants (assistant_id));
diesel::joinable!(sample_client_ids -> assistants (assistant_id));
diesel::joinable!(time_rollups -> assistants (assistant_id));
diesel::joinable!(usage_samples -> assistants (assistant_id));

diesel::allow_tables_to_appear_in_same_query!(
    assistants,
    day_rollups,
    ingest_keys,
    sample_client_ids,
    time_rollups,
    usage_samples,
    users,
);
