//! Filter, order and paging semantics over real HTTP.

mod common;

use common::*;
use serde_json::{Value, json};
use time::OffsetDateTime;
use workspaceapp_mock::SyntheticSpec;
use workspaceapp_model::runtime::DateTime;
use workspaceapp_model::{AppConnectionInfo, ListAppConnectionRequestBody};

fn spec() -> SyntheticSpec {
    SyntheticSpec {
        records: 300,
        seed: 11,
        project_id: PROJECT.to_owned(),
        ..SyntheticSpec::default()
    }
}

fn records() -> Vec<Value> {
    workspaceapp_mock::generate(&spec())
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect()
}

fn time_of(item: &Value) -> OffsetDateTime {
    DateTime::parse(item["brokering_time"].as_str().unwrap())
        .unwrap()
        .to_offset_date_time()
}

#[tokio::test]
async fn defaults_are_ten_records_newest_first_with_the_total_count() {
    let server = start(config()).await;
    let page = list(&server, "", &json!({})).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.count(), 300);
    let items = page.items();
    assert_eq!(items.len(), 10);
    let all = records();
    assert_eq!(items, all[..10].to_vec());
    assert_eq!(page.request_id().len(), 32);

    let (count, everything) = list_all(&server, &json!({})).await;
    assert_eq!(count, 300);
    assert_eq!(everything.len(), 300);
    for pair in everything.windows(2) {
        assert!(time_of(&pair[0]) >= time_of(&pair[1]));
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn paging_with_limit_and_offset() {
    let server = start(config()).await;
    let all = records();
    let page = list(&server, "limit=7&offset=5", &json!({})).await;
    assert_eq!(page.count(), 300);
    assert_eq!(page.items(), all[5..12].to_vec());

    let page = list(&server, "offset=295", &json!({})).await;
    assert_eq!(page.items(), all[295..].to_vec());

    let page = list(&server, "limit=100&offset=300", &json!({})).await;
    assert_eq!((page.count(), page.items().len()), (300, 0));

    let page = list(&server, "limit=1&offset=2147483647", &json!({})).await;
    assert_eq!((page.status, page.items().len()), (200, 0));

    let page = list(&server, "limit=100", &json!({})).await;
    assert_eq!(page.items().len(), 100);
    // The page's own example request.
    let page = list(
        &server,
        "limit=10&offset=0",
        &json!({"brokering_start_time": "2025-04-24T16:00:00Z", "brokering_end_time": "2025-05-24T10:22:55Z"}),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.count() > 0 && page.count() <= 300);
    server.shutdown().await.unwrap();
}

/// Every string filter of the request body, taken from the generated metadata, narrows the
/// result to records whose field of the same name matches.
#[tokio::test]
async fn each_body_filter_narrows() {
    let server = start(config()).await;
    let all = records();
    let sample = &all[17];
    let mut tried = 0;
    for info in ListAppConnectionRequestBody::FIELDS {
        let name = info.name;
        if info.format.is_some() {
            continue; // time bounds: see below
        }
        let value = if name == "client_type" {
            "Mac".to_owned()
        } else {
            sample[name].as_str().unwrap().to_owned()
        };
        if value.is_empty() {
            continue;
        }
        let expected: Vec<&Value> = all
            .iter()
            .filter(|r| {
                let actual = r[name].as_str().unwrap_or_default();
                if info.fuzzy {
                    actual.to_lowercase().contains(&value.to_lowercase())
                } else if name == "client_type" {
                    actual == value || actual.starts_with(&format!("{value} "))
                } else {
                    actual == value
                }
            })
            .collect();
        assert!(!expected.is_empty(), "{name}");
        let (count, items) = list_all(&server, &json!({ name: value })).await;
        assert_eq!(count as usize, expected.len(), "{name}={value}");
        assert_eq!(items.iter().collect::<Vec<_>>(), expected, "{name}");
        tried += 1;
    }
    assert!(tried >= 15, "only {tried} filters tried");

    // Filters combine: two conditions are narrower than either.
    let one = list(
        &server,
        "",
        &json!({"app_group_name": sample["app_group_name"]}),
    )
    .await;
    let two = list(
        &server,
        "",
        &json!({"app_group_name": sample["app_group_name"], "user_name": sample["user_name"]}),
    )
    .await;
    assert!(two.count() <= one.count() && two.count() >= 1);

    // An empty string does not filter.
    let page = list(&server, "", &json!({"failed_code": "", "user_name": ""})).await;
    assert_eq!(page.count(), 300);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn fuzzy_fields_match_substrings_ignoring_case_and_others_exactly() {
    let server = start(config()).await;
    let all = records();
    let user = all[3]["user_name"].as_str().unwrap().to_owned();
    let part = user[1..user.find('@').unwrap()].to_uppercase();
    let expected = all
        .iter()
        .filter(|r| {
            r["user_name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains(&part.to_lowercase())
        })
        .count();
    let page = list(&server, "", &json!({"user_name": part})).await;
    assert_eq!(page.count() as usize, expected);
    assert!(page.count() >= 1);

    let page = list(&server, "", &json!({"app_name": "excel"})).await;
    let expected = all
        .iter()
        .filter(|r| {
            r["app_name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("excel")
        })
        .count();
    assert_eq!(page.count() as usize, expected);
    assert!(expected > 0);

    // Exact fields do not match a part of the value, nor another case.
    let machine = all[0]["machine_name"].as_str().unwrap();
    let page = list(&server, "", &json!({"machine_name": &machine[..6]})).await;
    assert_eq!(page.count(), 0);
    let page = list(
        &server,
        "",
        &json!({"machine_name": machine.to_lowercase()}),
    )
    .await;
    assert_eq!(page.count(), 0);
    let group = all[0]["app_group_name"].as_str().unwrap();
    let page = list(
        &server,
        "",
        &json!({"app_group_name": group.to_uppercase()}),
    )
    .await;
    assert_eq!(page.count(), 0);

    // client_type takes the OS family: Windows covers Windows 10 and Windows 11.
    let windows = all
        .iter()
        .filter(|r| r["client_type"].as_str().unwrap().starts_with("Windows "))
        .count();
    let page = list(&server, "", &json!({"client_type": "Windows"})).await;
    assert_eq!(page.count() as usize, windows);
    let mac = list(&server, "", &json!({"client_type": "Mac"})).await;
    assert_eq!((page.count() + mac.count()) as usize, all.len());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn time_bounds_are_inclusive_in_all_three_forms() {
    let server = start(config()).await;
    let all = records();
    let newer = time_of(&all[40]);
    let older = time_of(&all[120]);
    let expected = all
        .iter()
        .filter(|r| {
            let t = time_of(r);
            t >= older && t <= newer
        })
        .count();
    assert!(expected >= 81, "bounds are inclusive");
    let forms = [
        workspaceapp_model::runtime::TimeForm::Utc,
        workspaceapp_model::runtime::TimeForm::Offset,
        workspaceapp_model::runtime::TimeForm::Plain,
    ];
    for form in forms {
        let start = DateTime::from_offset_date_time_in(older, form);
        let end = DateTime::from_offset_date_time_in(newer, form);
        let page = list(
            &server,
            "limit=100",
            &json!({"brokering_start_time": start.as_str(), "brokering_end_time": end.as_str()}),
        )
        .await;
        assert_eq!(page.status, 200, "{:?}", page.json);
        assert_eq!(page.count() as usize, expected, "{}", start.as_str());
        let items = page.items();
        assert_eq!(items[0], all[40]);
    }

    // One bound alone narrows too.
    let start = DateTime::from_offset_date_time(newer);
    let page = list(
        &server,
        "",
        &json!({"brokering_start_time": start.as_str()}),
    )
    .await;
    let expected = all.iter().filter(|r| time_of(r) >= newer).count();
    assert_eq!(page.count() as usize, expected);
    let end = DateTime::from_offset_date_time(older);
    let page = list(&server, "", &json!({"brokering_end_time": end.as_str()})).await;
    let expected = all.iter().filter(|r| time_of(r) <= older).count();
    assert_eq!(page.count() as usize, expected);

    // An offset other than UTC names the same instant.
    let shifted = newer.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap());
    let text = shifted
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let page = list(&server, "", &json!({"brokering_start_time": text})).await;
    assert_eq!(
        page.count() as usize,
        all.iter().filter(|r| time_of(r) >= newer).count()
    );

    // Start after end: nothing matches.
    let page = list(
        &server,
        "",
        &json!({"brokering_start_time": DateTime::from_offset_date_time(newer).as_str(),
                "brokering_end_time": DateTime::from_offset_date_time(older).as_str()}),
    )
    .await;
    assert_eq!((page.status, page.count()), (200, 0));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn same_seed_same_answers() {
    let a = start(config()).await;
    let b = start(config()).await;
    let c = start(config().synthetic(300, 12)).await;
    let body = json!({"client_type": "Windows"});
    let pa = list(&a, "limit=50&offset=20", &body).await;
    let pb = list(&b, "limit=50&offset=20", &body).await;
    let pc = list(&c, "limit=50&offset=20", &body).await;
    assert_eq!(pa.json, pb.json);
    assert_ne!(pa.json, pc.json);
    assert_ne!(pa.request_id(), pb.request_id());
    for server in [a, b, c] {
        server.shutdown().await.unwrap();
    }
}

#[test]
fn synthetic_records_look_like_the_page() {
    let records = workspaceapp_mock::generate(&spec());
    assert_eq!(records.len(), 300);
    assert_eq!(records, workspaceapp_mock::generate(&spec()));
    let other = workspaceapp_mock::generate(&SyntheticSpec { seed: 12, ..spec() });
    assert_ne!(records, other);

    let hex32 = |s: &str| s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit());
    let mut failures = 0;
    let mut types = std::collections::BTreeSet::new();
    let mut users = std::collections::BTreeSet::new();
    let (mut newest, mut oldest) = (OffsetDateTime::UNIX_EPOCH, spec().until);
    for r in &records {
        let AppConnectionInfo {
            id,
            machine_name,
            sid,
            tenant_id,
            failed_code,
            connection_failure_reason,
            client_type,
            brokering_time,
            vm_ip,
            user_name,
            ..
        } = r;
        assert!(hex32(id.as_deref().unwrap()));
        let machine = machine_name.as_deref().unwrap();
        assert!(
            machine.starts_with("APS-") && machine.len() == 14,
            "{machine}"
        );
        assert!(sid.as_deref().unwrap().starts_with("S-1-5-21-"));
        assert_eq!(tenant_id.as_deref(), Some(PROJECT));
        assert!(
            vm_ip
                .as_deref()
                .unwrap()
                .parse::<std::net::Ipv4Addr>()
                .is_ok()
        );
        let code = failed_code.as_deref().unwrap();
        assert_eq!(
            code.is_empty(),
            connection_failure_reason.as_deref().unwrap().is_empty()
        );
        if !code.is_empty() {
            failures += 1;
        }
        types.insert(client_type.clone().unwrap());
        users.insert(user_name.clone().unwrap());
        let t = DateTime::parse(brokering_time.as_deref().unwrap())
            .unwrap()
            .to_offset_date_time();
        newest = newest.max(t);
        oldest = oldest.min(t);
    }
    assert!((5..=50).contains(&failures), "{failures} failures");
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["Mac", "Windows 10", "Windows 11"]
    );
    assert!(users.len() >= 8);
    assert!(newest <= spec().until);
    assert!(
        newest - oldest > time::Duration::days(21),
        "spread over weeks"
    );
    let ids: std::collections::HashSet<_> = records.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), records.len());
}
