//! End to end against the reference server (`workspaceapp-mock`) on 127.0.0.1: every record,
//! with token and with AK/SK authentication, one page and four pages in flight.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::time::Duration;

use futures::TryStreamExt;
use workspaceapp_client::model::{
    AppConnectionInfo, Limit, ListAppConnectionRequestBody, ListAppConnectionStatus, Offset,
};
use workspaceapp_client::{Client, Credentials, Error, Filter, PageOptions, RetryPolicy};
use workspaceapp_mock::{MockConfig, RunningServer};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "e2e-token-0001";
const AK: &str = "E2EAK000000000000001";
const SK: &str = "E2Esk-0000000000000000000000000000000000";
const RECORDS: usize = 537;

async fn server(config: MockConfig) -> RunningServer {
    workspaceapp_mock::spawn(config)
        .await
        .expect("mock server starts")
}

fn config() -> MockConfig {
    MockConfig::new()
        .project_id(PROJECT)
        .synthetic(RECORDS, 7)
        .token(TOKEN)
        .access_key(AK, SK)
}

fn token_client(url: &str) -> Client {
    Client::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .token(TOKEN)
        .build()
        .expect("client")
}

fn aksk_client(url: &str) -> Client {
    Client::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, SK))
        .build()
        .expect("client")
}

async fn all(
    client: &Client,
    body: ListAppConnectionRequestBody,
    in_flight: usize,
) -> Vec<AppConnectionInfo> {
    client
        .list_all_with(
            body,
            PageOptions::new(NonZeroUsize::new(in_flight).expect("non-zero")),
        )
        .try_collect()
        .await
        .expect("every record")
}

fn ids(records: &[AppConnectionInfo]) -> Vec<String> {
    records.iter().map(|r| r.id.clone().expect("id")).collect()
}

#[tokio::test]
async fn lists_every_record_with_token_and_aksk_sequentially_and_concurrently() {
    let server = server(config()).await;
    let url = server.url();
    let first = token_client(&url)
        .list_page(
            Limit::new(1).unwrap(),
            Offset::new(0).unwrap(),
            &Default::default(),
        )
        .await
        .expect("first page");
    assert_eq!(first.count, Some(i32::try_from(RECORDS).unwrap()));

    let reference = ids(&all(&token_client(&url), Default::default(), 1).await);
    assert_eq!(reference.len(), RECORDS);
    assert_eq!(
        reference.iter().collect::<HashSet<_>>().len(),
        RECORDS,
        "no duplicates"
    );

    for (auth, client) in [("token", token_client(&url)), ("aksk", aksk_client(&url))] {
        for in_flight in [1, 4] {
            let got = ids(&all(&client, Default::default(), in_flight).await);
            assert_eq!(got, reference, "{auth}, {in_flight} in flight");
        }
    }
    server.shutdown().await.expect("stops");
}

#[tokio::test]
async fn filters_reach_the_server() {
    let server = server(config()).await;
    let client = aksk_client(&server.url());
    let everything = all(&client, Default::default(), 4).await;
    // The day of some record's login, as a UTC day.
    let probe = everything
        .iter()
        .find_map(|r| r.brokering_time.as_deref())
        .expect("records have login times");
    let day = workspaceapp_client::model::runtime::DateTime::parse(probe)
        .expect("login time parses")
        .to_offset_date_time()
        .date();
    let start = day.midnight().assume_utc();
    let end = start + time::Duration::DAY;
    let at = |r: &AppConnectionInfo| {
        r.brokering_time
            .as_deref()
            .and_then(|t| workspaceapp_client::model::runtime::DateTime::parse(t).ok())
            .map(|t| t.to_offset_date_time())
    };
    for form in workspaceapp_client::TIME_FORM_NAMES.iter().map(|(_, f)| *f) {
        let body = Filter::new()
            .time_format(form)
            .day(day)
            .expect("day")
            .build();
        let got = all(&client, body, 2).await;
        assert!(!got.is_empty(), "{form:?}");
        assert!(
            got.iter()
                .all(|r| at(r).is_some_and(|t| t >= start && t <= end)),
            "{form:?}: all inside the day"
        );
        let inside: HashSet<String> = everything
            .iter()
            .filter(|r| at(r).is_some_and(|t| t > start && t < end))
            .map(|r| r.id.clone().unwrap())
            .collect();
        let got_ids: HashSet<String> = ids(&got).into_iter().collect();
        assert!(inside.is_subset(&got_ids), "{form:?}: none missing");
    }
    server.shutdown().await.expect("stops");
}

#[tokio::test]
async fn injected_faults_are_retried_through() {
    let server = server(
        config()
            .fault_rate(0.3)
            .fault_status(ListAppConnectionStatus::ServiceUnavailable)
            .fault_seed(5),
    )
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .token(TOKEN)
        .retry(
            RetryPolicy::with_max_retries(12)
                .backoff(Duration::from_millis(1), Duration::from_millis(10)),
        )
        .build()
        .expect("client");
    let got = all(&client, Default::default(), 4).await;
    assert_eq!(got.len(), RECORDS);
    server.shutdown().await.expect("stops");
}

#[tokio::test]
async fn wrong_credentials_are_typed_401s() {
    let server = server(config()).await;
    let url = server.url();
    let bad_token = Client::builder()
        .endpoint(&url)
        .project_id(PROJECT)
        .token("not-the-token")
        .build()
        .unwrap();
    let bad_key = Client::builder()
        .endpoint(&url)
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, "wrong"))
        .build()
        .unwrap();
    for client in [bad_token, bad_key] {
        let err = client
            .list_page(
                Limit::new(10).unwrap(),
                Offset::new(0).unwrap(),
                &Default::default(),
            )
            .await
            .unwrap_err();
        match &err {
            Error::Api {
                status: 401,
                body,
                request_id,
                ..
            } => {
                assert!(body.error_code.is_some(), "{err}");
                assert!(request_id.is_some(), "{err}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.to_string().contains("not-the-token"));
    }
    server.shutdown().await.expect("stops");
}
