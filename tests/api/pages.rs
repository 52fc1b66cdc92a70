use gatehouse_tests::TestServer;

#[tokio::test]
async fn the_portal_renders_on_the_server_in_the_browsers_language() {
    let app = TestServer::start();
    let client = app.client();
    let en = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(en.status(), 200);
    let html = en.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""), "{html}");
    assert!(html.contains("Welcome to the developer portal"));
    // The hydration script imports the JS glue under its content-hashed name.
    let glue = html.split("from \"/pkg/gatehouse.").nth(1).and_then(|rest| rest.split_once(".js\"")).map(|(h, _)| h);
    assert!(
        glue.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())),
        "hydration script is linked: {html}"
    );

    let nl = client.get(app.url("/")).header("accept-language", "nl-NL,nl;q=0.9,en;q=0.5").send().await.unwrap();
    let html = nl.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\""));
    assert!(html.contains("Welkom bij het ontwikkelaarsportaal"));

    let chosen = client.get(app.url("/sign-in")).header("cookie", "gatehouse_lang=nl").send().await.unwrap();
    assert!(chosen.text().await.unwrap().contains("Inloggen bij Gatehouse"));
}

#[tokio::test]
async fn pages_carry_a_csp_whose_nonce_is_on_the_hydration_script() {
    let app = TestServer::start();
    let res = app.client().get(app.url("/sign-in")).send().await.unwrap();
    let csp = res.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && csp.contains("frame-ancestors 'none'")
            && csp.contains("object-src 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    for (h, v) in
        [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"), ("referrer-policy", "no-referrer")]
    {
        assert_eq!(res.headers().get(h).unwrap(), v);
    }
    let html = res.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for s in scripts {
        let tag = s.split('>').next().unwrap();
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "script without the nonce: <script{tag}>");
    }
    let other = app.client().get(app.url("/sign-in")).send().await.unwrap();
    let csp2 = other.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert_ne!(csp, csp2, "a fresh nonce per response");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_from_any_admin_page() {
    let app = TestServer::start();
    let res = app.client().get(app.url("/admin/groups")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").unwrap(), "/sign-in?next=%2Fadmin%2Fgroups");
    // A bookmarked view keeps its search and page through the sign-in.
    let res = app.client().get(app.url("/admin/users?q=ada&page=2")).send().await.unwrap();
    assert_eq!(res.headers().get("location").unwrap(), "/sign-in?next=%2Fadmin%2Fusers%3Fq%3Dada%26page%3D2");
    let client = app.client();
    let res = client
        .post(app.url("/api/sign_in"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Accept", "text/html")
        .form(&[
            ("email", gatehouse_tests::ADMIN_EMAIL),
            ("password", gatehouse_tests::ADMIN_PASSWORD),
            ("next", "/admin/users?q=ada&page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "a form post without scripts is redirected: {}", res.status());
    assert_eq!(res.headers().get("location").unwrap(), "/admin/users?q=ada&page=2");
}

#[tokio::test]
async fn every_admin_screen_renders_on_the_server() {
    let app = TestServer::start();
    let client = app.client();
    app.sign_in(&client, gatehouse_tests::ADMIN_EMAIL, gatehouse_tests::ADMIN_PASSWORD).await;
    for (path, text) in [
        ("/admin/users", "Gatehouse Administrator"),
        ("/admin/groups", "Administrators"),
        ("/admin/products", "a bundle of APIs"),
        ("/admin/subscriptions", "suspend, reactivate and cancel"),
        ("/admin/emails", "delivery state"),
        ("/admin/activity", "Every change made by an administrator"),
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains(text), "{path} lacks {text}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_friendly_404() {
    let app = TestServer::start();
    let res = app.client().get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));
}
