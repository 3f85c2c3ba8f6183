//! What moving a project off invitations would do, written nowhere: `atlas_admin::membership`
//! plans the migration of every pending invitation onto a pending user of the MongoDB Cloud
//! Users API, and this prints the plan. The `atlas-members` tool (`cli/` in the repository)
//! carries it out, with a report, for projects and organizations.
//!
//! ```text
//! MONGODB_ATLAS_ACCESS_TOKEN=... cargo run -p atlas-admin --example migration_plan -- 32b6e34b3d91647abb20e7b8
//! ```
//!
//! It needs the crate's `projects`, `organizations` and `mongodb-cloud-users` features (all on
//! by default); built without one of them, it says so and exits with status 2.

#[cfg(all(feature = "projects", feature = "organizations", feature = "mongodb-cloud-users"))]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use atlas_admin::membership::{Action, Migration};
    use atlas_admin::{Client, GroupId};

    let group: GroupId = std::env::args().nth(1).ok_or("usage: migration_plan PROJECT_ID")?.parse()?;
    let token = std::env::var("MONGODB_ATLAS_ACCESS_TOKEN").map_err(|_| "set MONGODB_ATLAS_ACCESS_TOKEN")?;
    let client = Client::builder().bearer_token(token).build()?;

    let migration = Migration::plan_project(&client, &group).await?;
    println!("{}: {} pending invitations", migration.scope, migration.steps().len());
    for step in migration.steps() {
        let action = match &step.action {
            Action::Create => "create a pending user".to_owned(),
            Action::AddToMember { user, .. } => format!("already member {user}: add the missing roles"),
            other => format!("{other:?}"),
        };
        println!("  {} {}: {action}", step.invitation, step.username);
    }
    Ok(())
}

#[cfg(not(all(feature = "projects", feature = "organizations", feature = "mongodb-cloud-users")))]
fn main() -> std::process::ExitCode {
    eprintln!(
        "error: the migration_plan example needs the projects, organizations and mongodb-cloud-users features of atlas-admin"
    );
    std::process::ExitCode::from(2)
}
