//! `openapi.json` describes exactly what the worker serves and answers. (The e2e test
//! also calls every documented route on the real worker.)

use std::collections::BTreeSet;

use redress_shared::agent_api::param;
use redress_shared::categorize::Category;
use redress_shared::delivery::{ChannelKind, DeliveryState};
use redress_shared::{
    routes, CaseStatus, ErrorCode, FieldErrorCode, NotificationEvent, Resolution,
};
use serde_json::Value;

fn document() -> Value {
    let text = std::fs::read_to_string(redress_e2e::repo_root().join("openapi.json"))
        .expect("openapi.json");
    serde_json::from_str(&text).expect("openapi.json is JSON")
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

/// The names of an object's members.
fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn codes<T: serde::Serialize>(all: &[T]) -> BTreeSet<String> {
    all.iter()
        .map(|c| {
            serde_json::to_value(c)
                .expect("serialises")
                .as_str()
                .expect("a string")
                .to_owned()
        })
        .collect()
}

#[test]
fn documents_exactly_the_routes_the_worker_serves() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = routes::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
}

#[test]
fn documents_every_error_code_field_code_resolution_and_category() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let error = &schemas["ErrorBody"]["properties"]["error"]["properties"];
    assert_eq!(strings(&error["code"]["enum"]), codes(&ErrorCode::ALL));
    assert_eq!(
        strings(&error["fields"]["items"]["properties"]["code"]["enum"]),
        codes(&FieldErrorCode::ALL)
    );
    assert_eq!(
        strings(&schemas["Resolution"]["enum"]),
        codes(&Resolution::ALL)
    );
    assert_eq!(strings(&schemas["Category"]["enum"]), codes(Category::ALL));
    assert_eq!(
        strings(&schemas["CaseStatus"]["enum"]),
        codes(&CaseStatus::ALL)
    );
}

#[test]
fn documents_the_case_lists_parameters_as_shared_names_them() {
    let doc = document();
    let documented: BTreeSet<String> = doc["paths"][routes::AGENT_CASES]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("a name").to_owned())
        .collect();
    let named: BTreeSet<String> = param::ALL.iter().map(|p| p.to_string()).collect();
    assert_eq!(documented, named);
}

#[test]
fn documents_delivery_records_with_shared_events_channels_and_states() {
    let doc = document();
    let record = &doc["components"]["schemas"]["DeliveryRecord"]["properties"];
    assert_eq!(
        strings(&record["event"]["enum"]),
        codes(&NotificationEvent::ALL)
    );
    assert_eq!(
        strings(&record["channel"]["enum"]),
        codes(&ChannelKind::ALL)
    );
    assert_eq!(
        strings(&record["state"]["enum"]),
        codes(&[
            DeliveryState::Delivered,
            DeliveryState::Sending,
            DeliveryState::Failing,
            DeliveryState::Failed
        ])
    );
}

#[test]
fn documents_a_webhook_for_every_event_and_the_body_they_share() {
    let doc = document();
    let documented: BTreeSet<String> = doc["webhooks"]
        .as_object()
        .expect("a webhooks section")
        .keys()
        .cloned()
        .collect();
    assert_eq!(documented, codes(&NotificationEvent::ALL));
    assert_eq!(
        strings(&doc["components"]["schemas"]["WebhookEvent"]["properties"]["event"]["enum"]),
        codes(&NotificationEvent::ALL)
    );
}

#[test]
fn documents_the_metrics_as_the_worker_writes_them() {
    use redress_shared::metrics::{Metrics, MetricsDimension, MetricsGroup};
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let metrics = Metrics {
        from: String::new(),
        to: String::new(),
        by: Some(MetricsDimension::Week),
        total: MetricsGroup::default(),
        groups: Vec::new(),
        backlog: Default::default(),
        open_over_time: Vec::new(),
    };
    let written = serde_json::to_value(&metrics).expect("serialises");
    assert_eq!(keys(&schemas["Metrics"]["properties"]), keys(&written));
    assert_eq!(
        keys(&schemas["MetricsGroup"]["properties"]),
        keys(&written["total"])
    );
    assert_eq!(
        keys(&schemas["Durations"]["properties"]),
        keys(&written["total"]["first_response"])
    );
    let by = &doc["paths"][routes::AGENT_METRICS]["get"]["parameters"][2];
    assert_eq!(by["name"], "by");
    assert_eq!(
        strings(&by["schema"]["enum"]),
        codes(&MetricsDimension::ALL)
    );
}

#[test]
fn documents_the_dispute_manifest_as_the_worker_writes_it() {
    use redress_shared::dispute_bundle::{Manifest, ManifestFile, FORMAT};
    let doc = document();
    let schema = &doc["components"]["schemas"]["DisputeManifest"];
    let file = ManifestFile {
        path: "evidence/01-box.jpg".into(),
        media_type: "image/jpeg".into(),
        size: 1,
        sha256: "ab".repeat(32),
        at: String::new(),
        sha256_at_upload: Some("ab".repeat(32)),
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        case_id: String::new(),
        reference: String::new(),
        store_id: String::new(),
        order_number: String::new(),
        generated_at: String::new(),
        files: vec![file],
        intact: true,
    };
    let written = serde_json::to_value(&manifest).expect("serialises");
    assert_eq!(keys(&schema["properties"]), keys(&written));
    assert_eq!(schema["properties"]["format"]["const"], FORMAT);
    assert_eq!(
        keys(&schema["properties"]["files"]["items"]["properties"]),
        keys(&written["files"][0])
    );
    assert!(
        doc["paths"][routes::AGENT_CASE_BUNDLE]["get"]["responses"]["200"]["content"]
            .get("application/zip")
            .is_some()
    );
}

#[test]
fn documents_translations_as_the_worker_writes_them() {
    use redress_shared::translation::{
        CaseTranslations, EntryTranslation, Translation, TranslationState, Unavailable,
    };
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    // Every field set (a new one fails to compile here until it is given).
    let every_field = Translation {
        state: TranslationState::Unavailable,
        source_language: "ko".into(),
        language: "en".into(),
        text: Some(String::new()),
        reason: Some(Unavailable::DailyLimit),
    };
    let written = serde_json::to_value(&every_field).expect("serialises");
    let schema = &schemas["Translation"];
    assert_eq!(keys(&schema["properties"]), keys(&written));
    assert_eq!(
        strings(&schema["properties"]["state"]["enum"]),
        codes(&[
            TranslationState::Translated,
            TranslationState::Pending,
            TranslationState::Unavailable
        ])
    );
    assert_eq!(
        strings(&schema["properties"]["reason"]["enum"]),
        codes(&[
            Unavailable::ProviderFailed,
            Unavailable::DailyLimit,
            Unavailable::NoProvider
        ])
    );
    let case = CaseTranslations {
        description: Some(every_field.clone()),
        timeline: vec![EntryTranslation {
            index: 3,
            translation: every_field,
        }],
    };
    let written = serde_json::to_value(&case).expect("serialises");
    assert_eq!(
        keys(&schemas["CaseTranslations"]["properties"]),
        keys(&written)
    );
    assert_eq!(
        schemas["CaseDetail"]["properties"]["translations"]["$ref"],
        "#/components/schemas/CaseTranslations"
    );
    assert!(schemas["WebhookEvent"]["properties"]
        .get("translation")
        .is_some());
}

#[test]
fn documents_replies_sent_translated_as_the_worker_takes_and_shows_them() {
    use redress_shared::agent_api::{AgentMessage, ReplyTranslation, ReplyTranslationRequest};
    use redress_shared::translation::Original;
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let original = Original {
        language: "en".into(),
        text: "We are sending a new lamp.".into(),
    };
    let documented = |name: &str, written: Value| {
        assert_eq!(keys(&schemas[name]["properties"]), keys(&written), "{name}");
    };
    documented(
        "Original",
        serde_json::to_value(&original).expect("serialises"),
    );
    let message = AgentMessage {
        text: "새 램프를 보내드립니다.".into(),
        original: Some(original),
    };
    documented(
        "AgentMessage",
        serde_json::to_value(&message).expect("serialises"),
    );
    let request = ReplyTranslationRequest {
        text: String::new(),
        language: String::new(),
    };
    documented(
        "ReplyTranslationRequest",
        serde_json::to_value(&request).expect("serialises"),
    );
    let me = redress_shared::agent_api::AgentProfile {
        agent: "Wei".into(),
        store_id: "seoul-lamps".into(),
        store_working_language: "en".into(),
        working_language: Some("zh".into()),
    };
    documented(
        "AgentProfile",
        serde_json::to_value(&me).expect("serialises"),
    );
    let chosen = redress_shared::agent_api::AgentLanguage {
        working_language: None,
    };
    documented(
        "AgentLanguage",
        serde_json::to_value(&chosen).expect("serialises"),
    );
    let answer = ReplyTranslation { translation: None };
    documented(
        "ReplyTranslation",
        serde_json::to_value(&answer).expect("serialises"),
    );
    for schema in [
        &schemas["TimelineEvent"],
        &schemas["PublicStatus"]["properties"]["timeline"]["items"],
    ] {
        assert_eq!(
            schema["properties"]["original"]["$ref"],
            "#/components/schemas/Original"
        );
    }
}

#[test]
fn documents_saved_replies_as_the_worker_writes_them() {
    use redress_shared::categorize::Category;
    use redress_shared::saved_reply::{SavedReply, SavedReplyDraft};
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let draft = SavedReplyDraft {
        name: "Sorry".into(),
        category: Some(Category::Damaged),
        variants: [("en".to_owned(), "Sorry: {reference}".to_owned())].into(),
    };
    let written = serde_json::to_value(&draft).expect("serialises");
    assert_eq!(
        keys(&schemas["SavedReplyDraft"]["properties"]),
        keys(&written)
    );
    let reply = draft.into_reply("sr_1".into());
    let SavedReply {
        id: _,
        name: _,
        category: _,
        variants: _,
        starter: _,
    } = &reply;
    let written = serde_json::to_value(&reply).expect("serialises");
    assert_eq!(keys(&schemas["SavedReply"]["properties"]), keys(&written));
}
