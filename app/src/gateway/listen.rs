//! PostgreSQL's notifications of key changes (the log's trigger calls
//! `pg_notify('gatehouse_keys', seq)` at commit). SQLite has none: its
//! follower polls only.
/// What waiting for the next key change gave.
pub(super) enum Heard {
    /// A notification: a change was committed.
    Change,
    /// The poll interval passed (or there is nothing to listen to).
    Nothing,
    /// The listening connection was lost: notifications may have been missed.
    Lost,
}

/// PostgreSQL's notifications of key changes; SQLite has none (polls only).
pub(super) struct Listener {
    pool: Option<sqlx::PgPool>,
    conn: Option<sqlx::postgres::PgListener>,
}

const CHANNEL: &str = "gatehouse_keys";

impl Listener {
    pub(super) fn new(pool: &crate::db::Pool) -> Self {
        let pool = match pool {
            crate::db::Pool::Pg(p) => Some(p.clone()),
            crate::db::Pool::Lite(_) => None,
        };
        Listener { pool, conn: None }
    }

    /// Waits up to `poll` for a change to be announced.
    pub(super) async fn next(&mut self, poll: std::time::Duration) -> Heard {
        let Some(pool) = &self.pool else {
            tokio::time::sleep(poll).await;
            return Heard::Nothing;
        };
        if self.conn.is_none() {
            let connected = async {
                let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
                l.listen(CHANNEL).await?;
                Ok::<_, sqlx::Error>(l)
            };
            match connected.await {
                Ok(l) => {
                    self.conn = Some(l);
                    // Listening from now on; what came before is in the log.
                    return Heard::Change;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for key changes; polling");
                    tokio::time::sleep(poll).await;
                    return Heard::Nothing;
                }
            }
        }
        let Some(conn) = self.conn.as_mut() else { return Heard::Nothing };
        match tokio::time::timeout(poll, conn.try_recv()).await {
            Err(_) => Heard::Nothing,
            Ok(Ok(Some(_))) => Heard::Change,
            // The connection dropped (try_recv reconnects on the next call),
            // or failed outright: start over with a new one.
            Ok(Ok(None)) => Heard::Lost,
            Ok(Err(_)) => {
                self.conn = None;
                Heard::Lost
            }
        }
    }
}
