//! OTLP/HTTP on the wire (https://opentelemetry.io/docs/specs/otlp/#otlphttp): a request is
//! protobuf (`application/x-protobuf`) or proto3 JSON (`application/json`), maybe gzip'd; the
//! answer is in the request's encoding, and so is the `google.rpc.Status` of a refused body,
//! which SDKs log. Bodies are read through actix's decompressor and counted after
//! decompression, so a small gzip bomb is a 413 like a large plain body.

use actix_web::dev::Decompress;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use prost::Message;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::ingest::decode::read_limited;

/// Largest OTLP body accepted, after decompression (SDKs batch up to 512 spans by default,
/// a few hundred KiB; this leaves room for large prompts in attributes).
pub const MAX_OTLP_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How an OTLP request (and so its answer) is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    /// The encoding named by the request's `Content-Type` (415 otherwise).
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/x-protobuf" | "application/protobuf" => Ok(Self::Protobuf),
            "application/json" => Ok(Self::Json),
            _ => Err(ApiError::UnsupportedMediaType(
                "OTLP/HTTP bodies are application/x-protobuf or application/json".into(),
            )),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Protobuf => "application/x-protobuf",
            Self::Json => "application/json",
        }
    }

    /// Decodes a message, or says why not (for a 400 the client will not retry).
    pub fn decode<T: Message + Default + DeserializeOwned>(self, body: &[u8]) -> Result<T, String> {
        match self {
            Self::Protobuf => {
                T::decode(body).map_err(|e| format!("not an OTLP protobuf message: {e}"))
            }
            Self::Json => serde_json::from_slice(body).map_err(|e| format!("not OTLP JSON: {e}")),
        }
    }

    /// An answer carrying `message` in this encoding.
    pub fn respond<T: Message + Serialize>(self, status: StatusCode, message: &T) -> HttpResponse {
        let body = match self {
            Self::Protobuf => message.encode_to_vec(),
            // Serialising generated message types cannot fail; an empty object is still valid.
            Self::Json => serde_json::to_vec(message).unwrap_or_else(|_| b"{}".to_vec()),
        };
        HttpResponse::build(status)
            .content_type(self.content_type())
            .body(body)
    }

    /// A 400 for a body that cannot be decoded: a `google.rpc.Status` in this encoding.
    pub fn bad_request(self, message: String) -> HttpResponse {
        let status = RpcStatus {
            // google.rpc.Code INVALID_ARGUMENT
            code: 3,
            message,
        };
        self.respond(StatusCode::BAD_REQUEST, &status)
    }
}

/// `google.rpc.Status` without details: what OTLP sends back with a 4xx or 5xx.
#[derive(Clone, PartialEq, Message, Serialize)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

/// The request body, decompressed (`Content-Encoding: gzip`, `deflate`, `br`, `zstd`) and
/// limited to [`MAX_OTLP_BODY_BYTES`].
pub async fn read_body(
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<web::BytesMut, ApiError> {
    let decoded = Decompress::from_headers(payload, request.headers());
    read_limited(decoded, MAX_OTLP_BODY_BYTES).await
}
