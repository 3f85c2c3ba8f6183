//! ID types refuse anything but 24 lowercase hex characters, before any request exists.

use atlas_admin::{GroupId, InvitationId, OrgId};

const BAD: &[(&str, &str)] = &[
    ("../x", "path traversal"),
    ("../32b6e34b3d91647abb20e7", "traversal of the right length"),
    ("32B6E34B3D91647ABB20E7B8", "upper-case hex"),
    ("32b6e34b3d91647abb20e7b", "23 characters"),
    ("32b6e34b3d91647abb20e7b8a", "25 characters"),
    ("", "empty"),
    ("32b6e34b3d91647abb20e7g8", "a letter that is not hex"),
    ("32b6e34b3d91647abb20e7b\u{e9}", "non-ASCII"),
    ("32b6e34b3d91647abb20e7%2", "percent-encoding"),
];

#[test]
fn bad_ids_are_refused_by_every_id_type() {
    for (value, why) in BAD {
        assert!(value.parse::<GroupId>().is_err(), "GroupId accepted {why}: {value:?}");
        assert!(value.parse::<OrgId>().is_err(), "OrgId accepted {why}: {value:?}");
        assert!(value.parse::<InvitationId>().is_err(), "InvitationId accepted {why}: {value:?}");
        assert!(GroupId::try_from(value.to_string()).is_err(), "GroupId::try_from accepted {why}");
        let json = serde_json::Value::String((*value).to_owned());
        assert!(serde_json::from_value::<InvitationId>(json).is_err(), "serde accepted {why}");
    }
}

#[test]
fn good_ids_parse_display_and_serialize_unchanged() {
    let id: GroupId = "32b6e34b3d91647abb20e7b8".parse().expect("valid");
    assert_eq!(id.as_str(), "32b6e34b3d91647abb20e7b8");
    assert_eq!(id.to_string(), "32b6e34b3d91647abb20e7b8");
    assert_eq!(serde_json::to_value(&id).unwrap(), serde_json::json!("32b6e34b3d91647abb20e7b8"));
    let back: GroupId = serde_json::from_value(serde_json::json!("32b6e34b3d91647abb20e7b8")).unwrap();
    assert_eq!(back, id);
}

#[test]
fn a_parse_error_names_the_type_and_converts_into_the_crate_error() {
    let error = "../x".parse::<OrgId>().unwrap_err();
    assert!(error.to_string().contains("OrgId"), "{error}");
    let error: atlas_admin::Error = error.into();
    assert!(matches!(error, atlas_admin::Error::InvalidArgument { .. }), "{error:?}");

    fn parse(value: &str) -> Result<InvitationId, atlas_admin::Error> {
        Ok(value.parse()?)
    }
    assert!(parse("nope").is_err());
}
