//! Test harness: starts the real `gatehouse` binary on a free loopback port
//! with a fresh SQLite file in a temporary folder, and speaks HTTP to it.
//! With `GATEHOUSE_TEST_PG` set to a PostgreSQL server's URL (scripts/pg.sh
//! starts one), each data folder gets a fresh database on that server
//! instead: the same tests then run on PostgreSQL.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "first-admin-passphrase";

pub fn binary() -> PathBuf {
    std::env::var_os("GATEHOUSE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/gatehouse"))
}

pub struct TestServer {
    child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
    /// Everything the server printed on stdout up to "listening".
    pub startup_output: String,
}

/// The PostgreSQL server the tests run on, if any.
pub fn test_pg() -> Option<String> {
    std::env::var("GATEHOUSE_TEST_PG").ok().filter(|s| !s.is_empty())
}

/// Whether the tests run on PostgreSQL (tests of SQLite's own behaviour,
/// such as its write lock, do not apply there).
pub fn on_postgres() -> bool {
    test_pg().is_some()
}

/// The database URL of the data folder `dir`: its SQLite file, or its own
/// PostgreSQL database, created on first use and kept across restarts.
pub fn database_url(dir: &std::path::Path) -> String {
    // A replica's folder names the database of the server it replicates.
    let marker = dir.join("database-url");
    if let Ok(url) = std::fs::read_to_string(&marker) {
        return url;
    }
    let Some(server) = test_pg() else {
        return format!("sqlite:{}", dir.join("gatehouse.db").display());
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!("gh_{}_{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let out = Command::new("psql")
        .args([&format!("{server}/postgres"), "-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql");
    assert!(out.status.success(), "CREATE DATABASE: {}", String::from_utf8_lossy(&out.stderr));
    let url = format!("{server}/{name}");
    std::fs::write(&marker, &url).unwrap();
    url
}

/// Settings of the data folder `dir` (its database included), as a second
/// process on the same data would read them.
pub fn settings_for(dir: &std::path::Path) -> app::config::Settings {
    app::config::Settings::from_sources(
        None,
        vec![
            ("GATEHOUSE_DATA_DIR".to_string(), dir.display().to_string()),
            ("GATEHOUSE_DATABASE_URL".to_string(), database_url(dir)),
        ],
    )
    .unwrap()
}

impl TestServer {
    /// A server whose first administrator comes from the environment.
    pub fn start() -> TestServer {
        Self::start_with(&[("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL), ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD)])
    }

    pub fn start_with(env: &[(&str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_in(dir, env)
    }

    /// Starts (or restarts) a server on the data in `dir`.
    pub fn start_in(dir: tempfile::TempDir, env: &[(&str, &str)]) -> TestServer {
        let bin = binary();
        assert!(bin.exists(), "{} is missing: build it first (scripts/build.sh)", bin.display());
        let mut cmd = Command::new(&bin);
        cmd.arg("serve")
            .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GATEHOUSE_BIND", "127.0.0.1:0")
            .env("GATEHOUSE_DATA_DIR", dir.path())
            .env("GATEHOUSE_DATABASE_URL", database_url(dir.path()))
            .env("GATEHOUSE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn gatehouse");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                seen.push_str(&line);
                seen.push('\n');
                if let Some(rest) = line.strip_prefix("Gatehouse listening on ") {
                    let url = rest.split_whitespace().next().unwrap().to_string();
                    let _ = tx.send((url, seen.clone()));
                }
            }
        });
        let (base, startup_output) =
            rx.recv_timeout(Duration::from_secs(60)).expect("server did not start within 60 s");
        TestServer { child, base, dir, startup_output }
    }

    /// A second replica: another process on this server's database, with
    /// the same server secret (as replicas behind one load balancer run).
    pub fn replica(&self, env: &[(&str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(self.dir.path().join("secret.key"), dir.path().join("secret.key")).unwrap();
        std::fs::write(dir.path().join("database-url"), database_url(self.dir.path())).unwrap();
        Self::start_in(dir, env)
    }

    /// Stops the server as an operator would (SIGTERM), waits for it to
    /// exit, and hands back its data folder and whether it exited cleanly.
    pub fn terminate(mut self) -> (tempfile::TempDir, bool) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let clean = self.child.wait().map(|s| s.success()).unwrap_or(false);
        let dir = tempfile::tempdir().unwrap();
        (std::mem::replace(&mut self.dir, dir), clean)
    }

    /// Stops the server and hands back its data folder.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends the server a signal (`STOP` freezes it, `CONT` resumes it).
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success(), "kill -{sig}");
    }

    /// The server's process id (benchmarks read its memory use).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("gatehouse.db")
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and
    /// sends the Origin a same-origin page would.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", self.base.parse().unwrap());
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }

    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        client
            .post(self.url("/api/sign_in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign_in request")
    }

    /// Application state on the same database file, for arranging data
    /// through the real service and repository code.
    pub async fn state(&self) -> app::state::AppState {
        let settings = settings_for(self.dir.path());
        let pool = app::db::connect(&settings).await.unwrap();
        app::state::AppState::new(pool, settings).unwrap()
    }

    /// Creates an active developer (member of Developers only).
    pub async fn create_developer(&self, email: &str, password: &str) -> app::users::UserId {
        let state = self.state().await;
        let hash = state.hasher.hash(password.to_string()).await.unwrap();
        let mut tx = state.begin_write().await.unwrap();
        let id = app::users::repo::insert(
            &mut tx,
            &app::users::repo::NewUser {
                email,
                first_name: "Dev",
                last_name: "Eloper",
                password_hash: Some(&hash),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        app::groups::repo::add_to_system_group(&mut tx, id, app::groups::SystemGroup::Developers).await.unwrap();
        tx.commit().await.unwrap();
        id
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls a server function with form fields; returns the status and JSON body.
pub async fn call_form(
    client: &reqwest::Client,
    app: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let res = client.post(app.url(path)).form(fields).send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// Calls a server function that takes JSON arguments.
pub async fn call_json(
    client: &reqwest::Client,
    app: &TestServer,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let res = client.post(app.url(path)).json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

impl TestServer {
    /// A client signed in as the first administrator.
    pub async fn admin(&self) -> reqwest::Client {
        let c = self.client();
        let res = self.sign_in(&c, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(res.headers().get("set-cookie").is_some(), "admin sign-in failed");
        c
    }

    /// Adds an account through the admin server function; returns its uid.
    pub async fn add_user(
        &self,
        admin: &reqwest::Client,
        email: &str,
        first: &str,
        last: &str,
        password: &str,
    ) -> String {
        let (status, body) = call_form(
            admin,
            self,
            "/api/admin/users/create",
            &[("email", email), ("first_name", first), ("last_name", last), ("password", password), ("note", "")],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body.as_str().unwrap().to_string()
    }
}

/// A real SMTP server for the tests: Debian's aiosmtpd (installed by
/// scripts/setup.sh), storing what it receives in a Maildir.
pub struct SmtpServer {
    child: Option<std::process::Child>,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut s = SmtpServer { child: None, port, maildir: tempfile::tempdir().unwrap() };
        s.resume();
        s
    }

    /// Starts it again on the same port and Maildir.
    pub fn resume(&mut self) {
        let child = Command::new("/usr/bin/python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (run scripts/setup.sh)");
        self.child = Some(child);
        // Ready when it accepts a connection.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The server settings that point Gatehouse at this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GATEHOUSE_SMTP_HOST", "127.0.0.1".into()),
            ("GATEHOUSE_SMTP_PORT", self.port.to_string()),
            ("GATEHOUSE_SMTP_SECURITY", "none".into()),
            ("GATEHOUSE_SMTP_RETRY_SECONDS", "1".into()),
        ]
    }

    /// Every message received so far, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let dir = self.maildir.path().join("mail").join("new");
        let mut out: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Waits until at least `n` messages arrived (or panics after `secs`).
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(std::time::Instant::now() < deadline, "{} of {n} messages arrived in {secs} s", m.len());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A header of a raw message.
pub fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
}

/// The decoded body of the first part with this content type (text/plain or
/// text/html), handling quoted-printable and base64 as lettre writes them.
pub fn mime_part(raw: &str, content_type: &str) -> Option<String> {
    let raw = raw.replace("\r\n", "\n");
    let start = raw.find(&format!("Content-Type: {content_type}"))?;
    let rest = &raw[start..];
    let (headers, body) = rest.split_once("\n\n")?;
    let body = body.split("\n--").next().unwrap_or(body);
    let encoding = headers
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or("7bit")
        .trim()
        .to_ascii_lowercase();
    match encoding.as_str() {
        "base64" => {
            use base64::Engine as _;
            let joined: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD.decode(joined).ok()?;
            String::from_utf8(bytes).ok()
        }
        "quoted-printable" => {
            let mut out = Vec::new();
            let b = body.replace("=\n", "");
            let bytes = b.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' && i + 2 < bytes.len() {
                    if let Ok(v) = u8::from_str_radix(&b[i + 1..i + 3], 16) {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8(out).ok()
        }
        _ => Some(body.to_string()),
    }
}

/// The one-time link (`…/l/{purpose}/{token}`) in a message's text part.
pub fn link_in(raw: &str) -> String {
    let text = mime_part(raw, "text/plain").expect("a text/plain part");
    text.split_whitespace()
        .find(|w| w.starts_with("http") && w.contains("/l/"))
        .expect("a link in the message")
        .to_string()
}

/// The message sent to `to` whose subject contains `subject`, waiting up to `secs`.
pub fn wait_for_mail(smtp: &SmtpServer, to: &str, subject: &str, secs: u64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(m) = smtp.messages().into_iter().find(|m| {
            header(m, "To").is_some_and(|t| t.contains(to)) && header(m, "Subject").is_some_and(|s| s.contains(subject))
        }) {
            return m;
        }
        assert!(std::time::Instant::now() < deadline, "no mail to {to} about {subject:?} within {secs} s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts a server that sends through `smtp`, with extra settings.
pub fn start_with_smtp(smtp: &SmtpServer, extra: &[(&str, &str)]) -> TestServer {
    let smtp_env = smtp.env();
    let mut env: Vec<(&str, &str)> =
        vec![("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL), ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD)];
    env.extend(smtp_env.iter().map(|(k, v)| (*k, v.as_str())));
    env.extend_from_slice(extra);
    TestServer::start_with(&env)
}

/// Restarts a server on the same data with extra settings (for example a
/// moved clock), keeping the SMTP settings.
pub fn restart_with_smtp(app: TestServer, smtp: &SmtpServer, extra: &[(&str, &str)]) -> TestServer {
    let dir = app.stop();
    let smtp_env = smtp.env();
    let mut env: Vec<(&str, &str)> = smtp_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    TestServer::start_in(dir, &env)
}

/// Products and subscriptions, arranged through the same server functions the
/// screens use.
impl TestServer {
    /// Creates a published product; returns its uid.
    pub async fn create_product(&self, admin: &reqwest::Client, name: &str, approval: bool, terms: &str) -> String {
        let form = serde_json::json!({
            "name": name, "description": format!("{name} APIs"), "terms": terms, "published": true,
            "subscription_required": true, "approval_required": approval, "subscriptions_limit": ""
        });
        let (s, uid) = call_json(admin, self, "/api/admin/products/create", serde_json::json!({ "form": form })).await;
        assert_eq!(s, 200, "{uid}");
        uid.as_str().unwrap().to_string()
    }

    /// Makes the product visible to exactly these groups (uids).
    pub async fn set_visibility(&self, admin: &reqwest::Client, product: &str, groups: &[&str]) {
        let (_, v) = call_form(admin, self, "/api/admin/products/visibility", &[("uid", product)]).await;
        let version = v[1].as_i64().unwrap();
        let (s, body) = call_json(
            admin,
            self,
            "/api/admin/products/set_visibility",
            serde_json::json!({ "uid": product, "version": version, "groups": groups }),
        )
        .await;
        assert_eq!(s, 200, "{body}");
    }

    /// Subscribes the signed-in `client`; returns the subscription.
    pub async fn subscribe(&self, client: &reqwest::Client, product: &str) -> serde_json::Value {
        let (s, sub) = call_form(
            client,
            self,
            "/api/subscriptions/subscribe",
            &[("product", product), ("name", ""), ("accept_terms", "true")],
        )
        .await;
        assert_eq!(s, 200, "{sub}");
        sub
    }

    /// Both keys of a subscription, as its owner or an administrator sees them.
    pub async fn keys(&self, client: &reqwest::Client, sub: &str) -> (String, String) {
        let (s, k) = call_form(client, self, "/api/subscriptions/keys", &[("uid", sub)]).await;
        assert_eq!(s, 200, "{k}");
        (k["primary"].as_str().unwrap().to_string(), k["secondary"].as_str().unwrap().to_string())
    }

    /// An administrator's action on a subscription.
    pub async fn act(&self, admin: &reqwest::Client, sub: &str, action: &str) -> serde_json::Value {
        let (s, body) =
            call_form(admin, self, "/api/admin/subscriptions/act", &[("uid", sub), ("action", action)]).await;
        assert_eq!(s, 200, "{action}: {body}");
        body
    }

    /// The gateway's key check with the key in APIM's header: (status, reason or subscription id).
    pub async fn check_key(&self, client: &reqwest::Client, key: &str) -> (u16, String) {
        let res = client
            .get(self.url("/gateway/check"))
            .header("Ocp-Apim-Subscription-Key", key)
            .send()
            .await
            .expect("key check");
        let status = res.status().as_u16();
        let sub = res.headers().get("gatehouse-subscription-id").map(|v| v.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        (status, sub.unwrap_or(body))
    }

    /// Asks the key check (one reused connection) until it answers
    /// `status` or `within` has passed: a change written by another process
    /// or replica arrives with its poll or notification. Keeps every answer.
    pub async fn check_until(&self, key: &str, status: u16, within: Duration) -> Waited {
        let started = std::time::Instant::now();
        let client = reqwest::Client::new();
        let mut seen = Vec::new();
        loop {
            let (got, body) = self.check_key(&client, key).await;
            seen.push(got);
            if got == status || started.elapsed() > within {
                return Waited { status: got, body, seen, took: started.elapsed() };
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// What `TestServer::check_until` saw: the last answer (status and reason
/// or subscription), every status on the way, and how long it took.
pub struct Waited {
    pub status: u16,
    pub body: String,
    pub seen: Vec<u16>,
    pub took: Duration,
}

/// The REST management API as a script would call it: a bearer token, no
/// cookies, no Origin.
pub struct Api {
    pub client: reqwest::Client,
    /// The server base URL plus APIM's service path.
    pub service: String,
    pub token: String,
}

pub const API_SERVICE_PATH: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/gh";

/// What an API call answered.
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub body: serde_json::Value,
}

impl TestServer {
    /// Creates an access token on the Access tokens screen's server function.
    pub async fn create_token(&self, admin: &reqwest::Client, name: &str, valid_days: u32) -> serde_json::Value {
        let days = valid_days.to_string();
        let (s, t) = call_form(admin, self, "/api/admin/tokens/create", &[("name", name), ("valid_days", &days)]).await;
        assert_eq!(s, 200, "{t}");
        t
    }

    /// An API client with a fresh token of the first administrator.
    pub async fn api(&self) -> Api {
        let admin = self.admin().await;
        let t = self.create_token(&admin, "tests", 0).await;
        self.api_with(t["token"].as_str().unwrap())
    }

    pub fn api_with(&self, token: &str) -> Api {
        Api {
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            service: format!("{}{API_SERVICE_PATH}", self.base),
            token: token.to_string(),
        }
    }
}

impl Api {
    /// `path` is under the service ("/users/ada") and may carry a query; the
    /// api-version is added.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version=2022-08-01", self.service)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let res = req.bearer_auth(&self.token).send().await.expect("api request");
        let status = res.status().as_u16();
        let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        Answer { status, etag, body }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(self.url(path))).await
    }

    /// Follows an absolute nextLink as the SDKs do.
    pub async fn get_url(&self, url: &str) -> Answer {
        self.send(self.client.get(url)).await
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) -> Answer {
        self.send(self.client.put(self.url(path)).json(&body)).await
    }

    pub async fn patch(&self, path: &str, if_match: Option<&str>, body: serde_json::Value) -> Answer {
        let mut req = self.client.patch(self.url(path)).json(&body);
        if let Some(m) = if_match {
            req = req.header("if-match", m);
        }
        self.send(req).await
    }

    pub async fn delete(&self, path: &str, if_match: Option<&str>) -> Answer {
        let mut req = self.client.delete(self.url(path));
        if let Some(m) = if_match {
            req = req.header("if-match", m);
        }
        self.send(req).await
    }
}

/// Percent-encodes a query value (the server's own encoder).
pub use app::url::percent_encode as urlencode;

/// A real OpenID provider for the identity-provider tests: npm's
/// `oidc-provider` run by `tests/browser/idp.mjs` on a free port, with one
/// client (`gatehouse` / `idp-test-secret`) and accounts the test adds.
pub struct Idp {
    child: Child,
    pub issuer: String,
    http: reqwest::Client,
}

pub const IDP_CLIENT_ID: &str = "gatehouse";
pub const IDP_CLIENT_SECRET: &str = "idp-test-secret";

impl Idp {
    pub fn start() -> Idp {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser/idp.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node (scripts/setup.sh installs it and oidc-provider)");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).expect("the provider's port");
        // Keep reading what it prints: a closed pipe would stop it.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        let v: serde_json::Value = serde_json::from_str(line.trim()).expect("{\"port\": N} from idp.mjs");
        let issuer = format!("http://127.0.0.1:{}", v["port"]);
        Idp { child, issuer, http: reqwest::Client::new() }
    }

    async fn control(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let res = self.http.post(format!("{}{path}", self.issuer)).json(&body).send().await.expect("idp control");
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// Adds (or replaces) an account the provider signs in as `id`.
    pub async fn account(&self, id: &str, claims: serde_json::Value) {
        self.control("/test/accounts", serde_json::json!({ "id": id, "claims": claims })).await;
    }

    /// Registers Gatehouse's redirect URI for the client.
    pub async fn allow_redirect(&self, uri: &str) {
        self.control("/test/client", serde_json::json!({ "redirect_uris": [uri] })).await;
    }

    /// Replaces the signing key; returns the new key's id.
    pub async fn rotate_key(&self) -> String {
        self.control("/test/rotate", serde_json::json!({})).await["kid"].as_str().unwrap().to_string()
    }

    /// Makes the token endpoint hand out a bad ID token ("" for good ones again).
    pub async fn tamper(&self, mode: &str) {
        self.control("/test/tamper", serde_json::json!({ "mode": mode })).await;
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
