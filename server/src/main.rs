//! The `gatehouse` binary: serves the portal, and offers the recovery commands
//! an operator needs when every administrator is locked out.
use app::config::Settings;
use app::state::AppState;
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

mod huge_pages;
mod middleware;
mod startup;

#[global_allocator]
static ALLOCATOR: huge_pages::HugePages = huge_pages::HugePages;

#[derive(Parser)]
#[command(name = "gatehouse", version, about = "Gatehouse: a self-hosted developer portal and account manager", after_help = Settings::help_text())]
struct Cli {
    /// TOML configuration file (keys as listed below, in lower case)
    #[arg(long, env = "GATEHOUSE_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default). On first start with an empty database it
    /// creates the first administrator from GATEHOUSE_ADMIN_EMAIL /
    /// GATEHOUSE_ADMIN_PASSWORD, or prints a generated one-time password once.
    Serve,
    /// Manage administrator accounts from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// List every server function the browser app can call (method and
    /// path), for audits: those under /api/admin/ are for administrators only.
    ServerFunctions,
    /// Write a consistent copy of the SQLite database to FILE while the
    /// portal keeps running (SQLite's VACUUM INTO). On PostgreSQL use
    /// pg_dump. Keep the server secret (secret.key) with the backup, apart.
    Backup {
        /// Where the copy goes (must not exist yet)
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create another administrator. Without --password-stdin a one-time
    /// password is generated, printed once, and must be changed at first sign-in.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Gatehouse")]
        first_name: String,
        #[arg(long, default_value = "Administrator")]
        last_name: String,
        /// Read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password for an administrator, re-activate the account and
    /// sign it out everywhere (the recovery path).
    ResetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
}

fn read_stdin_password() -> String {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).expect("read password from stdin");
    s.trim_end_matches(['\n', '\r']).to_string()
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("gatehouse: {msg}");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Some(Command::ServerFunctions) = cli.command {
        let mut paths: Vec<String> =
            leptos::server_fn::axum::server_fn_paths().map(|(path, method)| format!("{method} {path}")).collect();
        paths.sort();
        println!("{}", paths.join("\n"));
        return;
    }
    let settings = Settings::load(cli.config.as_deref()).unwrap_or_else(|e| fail(e));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&settings.log))
        .with_writer(std::io::stderr)
        .init();
    let pool = app::db::connect_and_migrate(&settings)
        .await
        .unwrap_or_else(|e| fail(format!("cannot open database {}: {e}", settings.database_url)));
    let state = AppState::new(pool, settings).unwrap_or_else(|e| fail(e));

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(state).await.unwrap_or_else(|e| fail(e)),
        Command::ServerFunctions => unreachable!("answered before the database is opened"),
        Command::Backup { file } => match app::db::backup(&state.pool, &file).await {
            Ok(()) => println!("Wrote a copy of the database to {}.", file.display()),
            Err(e) => fail(e),
        },
        Command::Admin(AdminCommand::Create { email, first_name, last_name, password_stdin }) => {
            let password = password_stdin.then(read_stdin_password);
            let new = app::users::service::NewAdmin { email: email.clone(), first_name, last_name, password };
            match app::users::service::create_admin(&state, new).await {
                Ok((_, Some(pw))) => println!(
                    "Created administrator {email}.\nOne-time password (shown once, change it at first sign-in): {pw}"
                ),
                Ok((_, None)) => println!("Created administrator {email}."),
                Err(e) => fail(e),
            }
        }
        Command::Admin(AdminCommand::ResetPassword { email, password_stdin }) => {
            let password = password_stdin.then(read_stdin_password);
            match app::users::service::reset_admin_password(&state, &email, password).await {
                Ok(Some(pw)) => println!("Password of {email} reset; all its sessions ended.\nOne-time password (shown once, change it at first sign-in): {pw}"),
                Ok(None) => println!("Password of {email} reset; all its sessions ended."),
                Err(e) => fail(e),
            }
        }
    }
}
