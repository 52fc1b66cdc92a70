//! The users list at a size where every strategy of the list's query plan
//! is used (selective and broad searches, small and large groups, rare and
//! common states), checked against a plain reference computed in the test.
use gatehouse_tests::{call_json, TestServer};
use serde_json::{json, Value};

const FIRST: &[&str] =
    &["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Ken", "Dennis", "Linus", "Radia", "Hedy", "Tim", "Vint"];
const LAST: &[&str] = &[
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "thompson", "Ritchie", "Torvalds", "Perlman",
    "Lamarr", "Berners", "Cerf", "Kahn", "Wirth", "Hoare", "Milner", "Allen", "Conway", "Zuse",
];

struct Account {
    id: i64,
    uid: String,
    first: String,
    last: String,
    email: String,
    state: String,
    groups: Vec<String>,
}

/// 2,600 accounts: "mail.test" matches about 1,700 (broad), "lovelace" 130
/// (selective); group "big" has 1,500 members, "small" 40; Blocked is rare
/// (every 7th), Active common.
async fn seed(app: &TestServer) {
    let state = app.state().await;
    let mut tx = state.begin_write().await.unwrap();
    for (uid, name) in [("big", "Big"), ("small", "Small")] {
        app::db::query("INSERT INTO groups (uid, name, name_canonical, kind) VALUES (?, ?, ?, 'custom')")
            .bind(uid)
            .bind(name)
            .bind(uid)
            .execute(&mut tx)
            .await
            .unwrap();
    }
    for i in 0..2600usize {
        let (first, last) = if i == 1234 { ("Ölaf", "Øster") } else { (FIRST[i % 13], LAST[(i / 13) % 20]) };
        let domain = if i % 3 == 0 { "example.org" } else { "mail.test" };
        let email = format!("{}.{}{i}@{domain}", first.to_lowercase(), last.to_lowercase());
        let id = app::users::repo::insert(
            &mut tx,
            &app::users::repo::NewUser {
                email: &email,
                first_name: first,
                last_name: last,
                password_hash: None,
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        if i % 7 == 0 {
            app::db::query("UPDATE users SET state = 'blocked' WHERE id = ?")
                .bind(id.0)
                .execute(&mut tx)
                .await
                .unwrap();
        }
        for (group, member) in [("big", i % 26 < 15), ("small", i % 65 == 0)] {
            if member {
                app::db::query("INSERT INTO group_members (group_id, user_id) SELECT id, ? FROM groups WHERE uid = ?")
                    .bind(id.0)
                    .bind(group)
                    .execute(&mut tx)
                    .await
                    .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
}

async fn accounts(app: &TestServer) -> Vec<Account> {
    let state = app.state().await;
    let groups = if gatehouse_tests::on_postgres() {
        "CAST(COALESCE(json_agg(g.uid), '[]') AS TEXT)"
    } else {
        "json_group_array(g.uid)"
    };
    let sql = format!(
        "SELECT u.id, u.uid, u.first_name, u.last_name, u.email, u.state,
                (SELECT {groups} FROM group_members gm JOIN groups g ON g.id = gm.group_id
                 WHERE gm.user_id = u.id) AS groups
         FROM users u"
    );
    let rows: Vec<(i64, String, String, String, String, String, String)> =
        app::db::query_as(&sql).fetch_all(&state.pool).await.unwrap();
    rows.into_iter()
        .map(|(id, uid, first, last, email, state, groups)| Account {
            id,
            uid,
            first,
            last,
            email,
            state,
            groups: serde_json::from_str(&groups).unwrap(),
        })
        .collect()
}

/// What the list should show, computed the plain way.
fn reference(
    all: &[Account],
    term: &str,
    group: Option<&str>,
    state: Option<&str>,
    sort: &str,
    desc: bool,
) -> Vec<String> {
    let term = term.trim().to_lowercase();
    let mut hits: Vec<&Account> = all
        .iter()
        .filter(|a| format!("{} {} {}", a.first, a.last, a.email).to_lowercase().contains(&term))
        .filter(|a| group.is_none_or(|g| a.groups.iter().any(|x| x == g)))
        .filter(|a| state.is_none_or(|s| a.state == s))
        .collect();
    // SQLite's NOCASE folds ASCII letters only.
    let nocase = |s: &str| s.to_ascii_lowercase();
    hits.sort_by(|a, b| match sort {
        "name" => (nocase(&a.last), nocase(&a.first), a.id).cmp(&(nocase(&b.last), nocase(&b.first), b.id)),
        "email" => a.email.to_lowercase().cmp(&b.email.to_lowercase()),
        _ => a.id.cmp(&b.id),
    });
    if desc {
        hits.reverse();
    }
    hits.into_iter().map(|a| a.uid.clone()).collect()
}

fn query(term: &str, group: Option<&str>, state: Option<&str>, sort: &str, desc: bool, page: u32) -> Value {
    json!({"query": {"q": term, "state": state, "group": group, "sort": sort, "desc": desc, "page": page, "per_page": 100}})
}

/// Like assert_eq!, but names the first row that differs instead of
/// printing thousands of uids.
fn same(got: &[String], want: &[String], ctx: &str) {
    if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "{ctx}: {} rows, {} expected; first difference at row {i}: {:?} vs {:?}",
            got.len(),
            want.len(),
            got.get(i),
            want.get(i)
        );
    }
}

fn uids(p: &Value) -> Vec<String> {
    p["rows"].as_array().unwrap().iter().map(|r| r["uid"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn every_search_filter_and_sort_agrees_with_a_plain_reference_page_by_page() {
    let app = TestServer::start();
    seed(&app).await;
    let all = accounts(&app).await;
    let admin = app.admin().await;
    let list = "/api/admin/users/list";
    let mut checked = 0;
    for term in ["", "mail.test", "lovelace", "ÖLAF", "s1", "ada lovelace"] {
        for group in [None, Some("big"), Some("small")] {
            for state in [None, Some("blocked"), Some("active")] {
                for (sort, desc) in
                    [("name", false), ("email", false), ("registered", false), ("name", true), ("registered", true)]
                {
                    let want = reference(&all, term, group, state, sort, desc);
                    let ctx = format!("q={term:?} group={group:?} state={state:?} sort={sort} desc={desc}");
                    // Page by page with Next (a cursor), as the pager does.
                    let (_, first) = call_json(&admin, &app, list, query(term, group, state, sort, desc, 1)).await;
                    let (total, exact) = (first["total"].as_i64().unwrap(), first["total_exact"].as_bool().unwrap());
                    if exact {
                        assert_eq!(total as usize, want.len(), "{ctx}");
                    } else {
                        assert!(want.len() > 1000 && total > 1000 && total as usize <= want.len(), "{ctx}: {total}");
                    }
                    let mut got = uids(&first);
                    let mut page = first;
                    let mut n = 1;
                    while page["has_next"].as_bool().unwrap() {
                        n += 1;
                        let mut next = query(term, group, state, sort, desc, n);
                        next["query"]["after"] = json!(got.last().unwrap());
                        page = call_json(&admin, &app, list, next).await.1;
                        assert!(!page["rows"].as_array().unwrap().is_empty(), "{ctx}: a Next page is never empty");
                        got.extend(uids(&page));
                    }
                    same(&got, &want, &ctx);
                    if want.len() > 250 {
                        // Page 3 by number (OFFSET), and Previous from it (a
                        // cursor backwards), give the same rows as walking.
                        let (_, p3) = call_json(&admin, &app, list, query(term, group, state, sort, desc, 3)).await;
                        assert_eq!(uids(&p3), want[200..300.min(want.len())], "{ctx} page 3");
                        let mut prev = query(term, group, state, sort, desc, 2);
                        prev["query"]["before"] = json!(want[200]);
                        let (_, p2) = call_json(&admin, &app, list, prev).await;
                        assert_eq!(uids(&p2), want[100..200], "{ctx} previous");
                        assert!(p2["has_next"].as_bool().unwrap());
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 6 * 3 * 3 * 5);
    // The plan really met the cases it is built for.
    let (_, broad) = call_json(&admin, &app, list, query("mail.test", None, None, "name", false, 1)).await;
    assert_eq!((broad["total"].as_i64(), broad["total_exact"].as_bool()), (Some(1001), Some(false)), "{broad}");
    let (_, one) = call_json(&admin, &app, list, query("ölaf øster", None, None, "name", false, 1)).await;
    assert_eq!(one["total"], 1, "a search spans first and last name, any case");
}

#[tokio::test]
async fn a_cursor_to_a_deleted_account_falls_back_to_the_page_number() {
    let app = TestServer::start();
    seed(&app).await;
    let admin = app.admin().await;
    let list = "/api/admin/users/list";
    let mut q = query("", None, None, "name", false, 2);
    q["query"]["after"] = json!("0000000000000000");
    let (_, gone) = call_json(&admin, &app, list, q).await;
    let (_, by_number) = call_json(&admin, &app, list, query("", None, None, "name", false, 2)).await;
    assert_eq!(uids(&gone), uids(&by_number));
}
