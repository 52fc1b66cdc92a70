//! Load balancers' checks: alive, and ready to serve (database reachable,
//! migrations applied, key index current).
use gatehouse_tests::TestServer;

#[tokio::test]
async fn a_started_replica_is_alive_and_ready() {
    let app = TestServer::start();
    let client = reqwest::Client::new();
    for path in ["/healthz", "/health"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.text().await.unwrap(), "ok");
    }
    let res = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["migrations"], "ok");
    assert_eq!(body["keyIndex"], "ok");
    assert!(body["appliedKeyChange"].as_i64().unwrap() >= 0, "{body}");
}
