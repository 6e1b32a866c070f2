//! How generated types behave on the wire, checked on the codegen fixtures (one per construct).

use crate::fixtures::{object_struct, one_of, optional_nullable, read_write_only, recursive, string_enum};
use serde_json::json;

#[test]
fn string_enums_round_trip_known_and_unknown_values() {
    use string_enum::Target;
    assert_eq!(Target::from("NOT_USER"), Target::NotUser);
    assert_eq!(serde_json::from_value::<Target>(json!("count=exact")).unwrap(), Target::CountExact);
    // The value "Other" is a known variant; the catch-all moved aside to `Other2`.
    assert_eq!(serde_json::from_value::<Target>(json!("Other")).unwrap(), Target::Other);
    let unknown = serde_json::from_value::<Target>(json!("NEW_VALUE")).unwrap();
    assert_eq!(unknown, Target::Other2("NEW_VALUE".into()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("NEW_VALUE"));
    assert_eq!(Target::V404.to_string(), "404");
}

#[test]
fn unions_pick_the_variant_by_its_own_properties() {
    use one_of::{Animal, Content, ItemResult};
    let failure: ItemResult = serde_json::from_value(json!({"cloudObjectId": "x", "code": "E"})).unwrap();
    assert!(matches!(failure, ItemResult::Failure(ref f) if f.code.as_deref() == Some("E")));
    let success: ItemResult = serde_json::from_value(json!({"cloudObjectId": "x"})).unwrap();
    assert!(matches!(success, ItemResult::Success(_)));
    assert_eq!(serde_json::to_value(&failure).unwrap(), json!({"cloudObjectId": "x", "code": "E"}));

    assert!(matches!(serde_json::from_value(json!({"kind": "cat"})).unwrap(), Animal::Cat(_)));
    assert!(matches!(serde_json::from_value(json!({"kind": "Dog", "barks": true})).unwrap(), Animal::Dog(_)));
    let unknown = serde_json::from_value::<Animal>(json!({"kind": "cow"})).unwrap_err();
    assert!(unknown.to_string().contains("unknown `kind` value `cow`"), "{unknown}");

    assert_eq!(serde_json::from_value::<Content>(json!("text")).unwrap(), Content::String("text".into()));
    assert_eq!(serde_json::from_value::<Content>(json!(["a"])).unwrap(), Content::Array(vec!["a".into()]));
    let neither = serde_json::from_value::<Content>(json!(3)).unwrap_err();
    assert!(neither.to_string().contains("matches no variant of Content"), "{neither}");
}

#[test]
fn required_nullable_fields_are_sent_as_null_and_optional_ones_skipped() {
    let profile = optional_nullable::Profile { id: "1".into(), nickname: None, bio: None, avatar: None };
    assert_eq!(serde_json::to_value(&profile).unwrap(), json!({"id": "1", "nickname": null}));
    let missing_required = serde_json::from_value::<optional_nullable::Profile>(json!({"nickname": "n"}));
    assert!(missing_required.is_err());
    assert_eq!(optional_nullable::AllOptional::default(), serde_json::from_value(json!({})).unwrap());
}

#[test]
fn additional_properties_beside_known_ones_are_kept() {
    let wire = json!({"petId": "p1", "name": "Rex", "extraInfo": {"color": "brown", "size": 3}});
    let pet: object_struct::Pet = serde_json::from_value(wire.clone()).unwrap();
    let extra = pet.extra_info.as_ref().unwrap();
    assert_eq!(extra.color.as_deref(), Some("brown"));
    assert_eq!(extra.extra.get("size"), Some(&json!(3)));
    assert_eq!(serde_json::to_value(&pet).unwrap(), wire);
}

#[test]
fn recursive_types_nest() {
    let wire = json!({"value": "a", "next": {"value": "b", "children": [{"value": "c"}]}});
    let node: recursive::Node = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(node.next.as_ref().and_then(|n| n.children.as_ref()).map(Vec::len), Some(1));
    assert_eq!(serde_json::to_value(&node).unwrap(), wire);
}

#[test]
fn read_only_and_write_only_fields_are_optional() {
    let from_server: read_write_only::Account = serde_json::from_value(json!({"id": "a1", "name": "n"})).unwrap();
    assert_eq!(from_server.password, None);
    let to_server = read_write_only::Account { id: None, password: Some("pw".into()), name: "n".into() };
    assert_eq!(serde_json::to_value(&to_server).unwrap(), json!({"password": "pw", "name": "n"}));
}
