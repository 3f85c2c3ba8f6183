//! `invites`: invite people to MongoDB Atlas projects and organizations from the command
//! line, with the `atlas-admin` client, both through the MongoDB Cloud Users API (`users`:
//! an invitation there is a *pending* user) and through the deprecated invitation endpoints
//! (`project`, `org`; sunset 2027-07-01), to list, create, update and cancel the invitations
//! made with them until then.
//!
//! ```text
//! cargo run -p atlas-admin --example invites -- users project list --group 32b6e34b3d91647abb20e7b8 --pending
//! cargo run -p atlas-admin --example invites -- users project invite --group 32b6e34b3d91647abb20e7b8 \
//!     --username jane@example.com --role GROUP_READ_ONLY
//! cargo run -p atlas-admin --example invites -- users org update --org 4888442a3354817a7320eb61 \
//!     --user 67d1548a0f3c2b1e4d5a6a02 --role ORG_MEMBER --project-role 32b6e34b3d91647abb20e7b8:GROUP_OWNER
//! cargo run -p atlas-admin --example invites -- project list --group 32b6e34b3d91647abb20e7b8
//! cargo run -p atlas-admin --example invites -- project create --group 32b6e34b3d91647abb20e7b8 \
//!     --username jane@example.com --role GROUP_READ_ONLY
//! cargo run -p atlas-admin --example invites -- org update --org 4888442a3354817a7320eb61 \
//!     --invitation 67d1548a0f3c2b1e4d5a6979 --role ORG_MEMBER --project-role 32b6e34b3d91647abb20e7b8:GROUP_OWNER
//! cargo run -p atlas-admin --example invites -- org cancel --org 4888442a3354817a7320eb61 --invitation 67d1548a0f3c2b1e4d5a6979
//! ```
//!
//! `users ... list` reads every page (`list_*_users_stream`) and prints one JSON array;
//! `--pending` keeps only the users who have not accepted their invitation yet.
//!
//! Moving off invitations and keeping members as desired, over `atlas_admin::membership`:
//!
//! ```text
//! cargo run -p atlas-admin --example invites -- migrate project --group 32b6e34b3d91647abb20e7b8 --dry-run
//! cargo run -p atlas-admin --example invites -- migrate org --org 4888442a3354817a7320eb61 --json
//! cargo run -p atlas-admin --example invites -- users project ensure --group 32b6e34b3d91647abb20e7b8 \
//!     --username jane@example.com --role GROUP_OWNER
//! cargo run -p atlas-admin --example invites -- apply --file members.yaml --dry-run --prune
//! ```
//!
//! `migrate` exits with 1 when some invitation stays in place (its Atlas error is in the
//! table), and writes one a second unless `INVITES_WRITES_PER_MINUTE` (0: unspaced) or
//! `INVITES_CONCURRENCY` say otherwise; so does `apply`.
//!
//! Credentials come from the environment; the first of these that is set is used, and it
//! must then be complete:
//!
//! 1. `MONGODB_ATLAS_ACCESS_TOKEN`: an OAuth 2.0 access token, sent as a bearer token (handy
//!    against a mock server, or with a token another tool fetched);
//! 2. `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`: a service account;
//! 3. `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY`: an API key (HTTP
//!    digest).
//!
//! `MONGODB_ATLAS_BASE_URL` (or `--base-url`) replaces `https://cloud.mongodb.com`, e.g. for
//! Atlas for Government. Results are printed to stdout as pretty JSON; errors go to stderr
//! and the exit status is 1 (2 for a command line that does not parse).
//!
//! It needs the crate's `projects`, `organizations` and `mongodb-cloud-users` features (all
//! on by default); built without one of them, it says so and exits with status 2.

#[cfg(all(feature = "projects", feature = "organizations", feature = "mongodb-cloud-users"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(all(feature = "projects", feature = "organizations", feature = "mongodb-cloud-users")))]
fn main() -> std::process::ExitCode {
    eprintln!("error: the invites example needs the projects, organizations and mongodb-cloud-users features of atlas-admin");
    std::process::ExitCode::from(2)
}

/// The command line and what each command sends.
#[cfg(all(feature = "projects", feature = "organizations", feature = "mongodb-cloud-users"))]
mod cli {
    use std::error::Error;
    use std::process::ExitCode;

    use atlas_admin::models::{
        AddOrRemoveGroupRole, AddOrRemoveOrgRole, GroupInvitationRequest, GroupInvitationUpdateRequest, GroupRoleAssignment,
        GroupUserRequest, OrgUserRequest, OrgUserRolesRequest, OrgUserUpdateRequest,
        OrganizationInvitationGroupRoleAssignmentsRequest, OrganizationInvitationRequest, OrganizationInvitationUpdateRequest,
    };
    use atlas_admin::operations::{list_group_invites, list_group_users, list_org_invites, list_org_users};
    use atlas_admin::roles::{OrgRole, ProjectRole};
    use atlas_admin::{Client, GroupId, InvitationId, OrgId, UserId};
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    use clap::{Args, Parser, Subcommand};
    use futures::TryStreamExt;

    /// Invite people to MongoDB Atlas projects and organizations: as users (`users`), or
    /// through the deprecated invitation endpoints (`project`, `org`).
    ///
    /// Credentials come from MONGODB_ATLAS_ACCESS_TOKEN (bearer token), else
    /// MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET (service account), else
    /// MONGODB_ATLAS_PUBLIC_API_KEY + MONGODB_ATLAS_PRIVATE_API_KEY (API key).
    #[derive(Debug, Parser)]
    #[command(name = "invites", version)]
    struct Cli {
        /// The Atlas Administration API to call.
        #[arg(long, global = true, env = "MONGODB_ATLAS_BASE_URL", default_value = "https://cloud.mongodb.com")]
        base_url: String,

        /// A PEM file of CA certificates to trust besides the system's (e.g. a company
        /// proxy's); SSL_CERT_FILE replaces the system's store instead.
        #[arg(long, global = true, env = "MONGODB_ATLAS_CA_CERT", value_name = "PEM_FILE")]
        ca_cert: Option<std::path::PathBuf>,

        /// The proxy to send every request through; by default HTTPS_PROXY, except for
        /// NO_PROXY hosts.
        #[arg(long, global = true, value_name = "URL")]
        proxy: Option<String>,

        #[command(subcommand)]
        scope: Scope,
    }

    #[derive(Debug, Subcommand)]
    enum Scope {
        /// The users of one project or organization, pending (invited) and active: the
        /// MongoDB Cloud Users API, which replaces the invitation endpoints.
        Users {
            #[command(subcommand)]
            scope: UsersScope,
        },
        /// Invitations to one project (deprecated endpoints, sunset 2027-07-01).
        Project {
            #[command(subcommand)]
            action: ProjectAction,
        },
        /// Invitations to one organization (deprecated endpoints, sunset 2027-07-01).
        Org {
            #[command(subcommand)]
            action: OrgAction,
        },
        /// Move every pending invitation of a project or organization onto a pending user with
        /// the same grants, and delete the invitation after.
        Migrate {
            #[command(subcommand)]
            scope: workflows::MigrateScope,
        },
        /// Converge the members of several projects and organizations to a YAML file.
        Apply(workflows::Apply),
    }

    #[derive(Debug, Subcommand)]
    enum UsersScope {
        /// The users of one project.
        Project {
            #[command(subcommand)]
            action: ProjectUserAction,
        },
        /// The users of one organization.
        Org {
            #[command(subcommand)]
            action: OrgUserAction,
        },
    }

    #[derive(Debug, Subcommand)]
    enum ProjectUserAction {
        /// List the project's users, every page of them, as one JSON array.
        List {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            filter: UserFilter,
        },
        /// Show one user of the project.
        Show {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            user: User,
        },
        /// Add a user to the project: someone not yet in the organization is invited and is a
        /// pending user until they accept.
        Invite {
            #[command(flatten)]
            project: Project,
            /// Email address of the user to add.
            #[arg(long)]
            username: String,
            #[command(flatten)]
            roles: ProjectRoles,
        },
        /// Grant one more project role to a user.
        AddRole {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            user: User,
            /// The project role to grant.
            #[arg(long, value_parser = project_role())]
            role: ProjectRole,
        },
        /// Take one project role away from a user (who keeps at least one: add the new role first).
        RemoveRole {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            user: User,
            /// The project role to take away.
            #[arg(long, value_parser = project_role())]
            role: ProjectRole,
        },
        /// Remove a user, pending or active, from the project.
        Remove {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            user: User,
        },
        /// Make a user a member of the project with exactly these roles (adding before removing).
        Ensure(workflows::EnsureProject),
    }

    #[derive(Debug, Subcommand)]
    enum OrgUserAction {
        /// List the organization's users, every page of them, as one JSON array.
        List {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            filter: UserFilter,
        },
        /// Show one user of the organization.
        Show {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            user: User,
        },
        /// Invite a user to the organization, and optionally to teams and projects in it.
        Invite {
            #[command(flatten)]
            org: Org,
            /// Email address of the user to invite.
            #[arg(long)]
            username: String,
            /// An organization role to grant; repeat for several.
            #[arg(long = "role", required = true, value_name = "ROLE", value_parser = org_role())]
            roles: Vec<OrgRole>,
            /// The ID of a team to join; repeat for several.
            #[arg(long = "team", value_name = "TEAM_ID")]
            teams: Vec<String>,
            /// A role in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
            #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
            project_roles: Vec<(GroupId, ProjectRole)>,
        },
        /// Change a user's roles or teams; only the options given are sent.
        Update {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            user: User,
            #[command(flatten)]
            changes: OrgUserChanges,
        },
        /// Grant one more organization role to a user.
        AddRole {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            user: User,
            /// The organization role to grant.
            #[arg(long, value_parser = org_role())]
            role: OrgRole,
        },
        /// Take one organization role away from a user (who keeps at least one: add the new role first).
        RemoveRole {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            user: User,
            /// The organization role to take away.
            #[arg(long, value_parser = org_role())]
            role: OrgRole,
        },
        /// Remove a user, pending or active, from the organization.
        Remove {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            user: User,
        },
        /// Make a user a member of the organization with exactly these roles, project roles and teams.
        Ensure(workflows::EnsureOrg),
    }

    #[derive(Debug, Subcommand)]
    enum ProjectAction {
        /// List the project's pending invitations.
        List {
            #[command(flatten)]
            project: Project,
            /// Only the invitation sent to this email address.
            #[arg(long)]
            username: Option<String>,
        },
        /// Show one pending invitation.
        Get {
            #[command(flatten)]
            project: Project,
            /// The invitation's ID.
            #[arg(long)]
            invitation: InvitationId,
        },
        /// Invite a user to the project.
        Create {
            #[command(flatten)]
            project: Project,
            /// Email address of the user to invite.
            #[arg(long)]
            username: String,
            #[command(flatten)]
            roles: ProjectRoles,
        },
        /// Replace the project roles of a pending invitation.
        Update {
            #[command(flatten)]
            project: Project,
            #[command(flatten)]
            target: Target,
            #[command(flatten)]
            roles: ProjectRoles,
        },
        /// Cancel a pending invitation.
        Cancel {
            #[command(flatten)]
            project: Project,
            /// The invitation's ID.
            #[arg(long)]
            invitation: InvitationId,
        },
    }

    #[derive(Debug, Subcommand)]
    enum OrgAction {
        /// List the organization's pending invitations.
        List {
            #[command(flatten)]
            org: Org,
            /// Only the invitation sent to this email address.
            #[arg(long)]
            username: Option<String>,
        },
        /// Show one pending invitation.
        Get {
            #[command(flatten)]
            org: Org,
            /// The invitation's ID.
            #[arg(long)]
            invitation: InvitationId,
        },
        /// Invite a user to the organization, and optionally to teams and projects in it.
        Create {
            #[command(flatten)]
            org: Org,
            /// Email address of the user to invite.
            #[arg(long)]
            username: String,
            #[command(flatten)]
            grants: OrgGrants,
        },
        /// Change what a pending invitation grants; only the options given are sent.
        Update {
            #[command(flatten)]
            org: Org,
            #[command(flatten)]
            target: Target,
            #[command(flatten)]
            grants: OrgGrants,
        },
        /// Cancel a pending invitation.
        Cancel {
            #[command(flatten)]
            org: Org,
            /// The invitation's ID.
            #[arg(long)]
            invitation: InvitationId,
        },
    }

    #[derive(Debug, Args)]
    struct Project {
        /// The project's ID (24 hexadecimal characters).
        #[arg(long)]
        group: GroupId,
    }

    #[derive(Debug, Args)]
    struct Org {
        /// The organization's ID (24 hexadecimal characters).
        #[arg(long)]
        org: OrgId,
    }

    #[derive(Debug, Args)]
    struct User {
        /// The user's ID (24 hexadecimal characters), pending or active; `list --username` finds it.
        #[arg(long)]
        user: UserId,
    }

    #[derive(Debug, Args)]
    struct UserFilter {
        /// Only the users who have not accepted their invitation yet.
        #[arg(long)]
        pending: bool,
        /// Only the user with this email address.
        #[arg(long)]
        username: Option<String>,
    }

    impl UserFilter {
        /// The `orgMembershipStatuses` query field: `PENDING` with `--pending`, else left out
        /// (Atlas then lists active and pending users).
        fn statuses(&self) -> Option<Vec<String>> {
            self.pending.then(|| vec!["PENDING".to_owned()])
        }
    }

    /// Which invitation to update: by its ID, or by the email address it was sent to.
    #[derive(Debug, Args)]
    #[group(required = true, multiple = false)]
    struct Target {
        /// The invitation's ID.
        #[arg(long)]
        invitation: Option<InvitationId>,
        /// The email address the invitation was sent to.
        #[arg(long)]
        username: Option<String>,
    }

    #[derive(Debug, Args)]
    struct ProjectRoles {
        /// A project role to grant; repeat for several.
        #[arg(long = "role", required = true, value_name = "ROLE", value_parser = project_role())]
        roles: Vec<ProjectRole>,
    }

    #[derive(Debug, Args)]
    #[group(required = true, multiple = true)]
    struct OrgGrants {
        /// An organization role to grant; repeat for several.
        #[arg(long = "role", value_name = "ROLE", value_parser = org_role())]
        roles: Vec<OrgRole>,
        /// The ID of a team to join; repeat for several.
        #[arg(long = "team", value_name = "TEAM_ID")]
        teams: Vec<String>,
        /// A role in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
        #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
        project_roles: Vec<(GroupId, ProjectRole)>,
    }

    impl OrgGrants {
        /// One assignment per project, in the order the projects were first named.
        fn group_role_assignments(&self) -> Option<Vec<OrganizationInvitationGroupRoleAssignmentsRequest>> {
            let assignments = by_project(&self.project_roles)
                .into_iter()
                .map(|(group, roles)| OrganizationInvitationGroupRoleAssignmentsRequest {
                    group_id: Some(group),
                    roles: Some(roles),
                })
                .collect();
            non_empty(assignments)
        }
    }

    /// The roles per project, in the order the projects were first named.
    fn by_project(project_roles: &[(GroupId, ProjectRole)]) -> Vec<(GroupId, Vec<ProjectRole>)> {
        let mut projects: Vec<(GroupId, Vec<ProjectRole>)> = Vec::new();
        for (group, role) in project_roles {
            match projects.iter_mut().find(|(known, _)| known == group) {
                Some((_, roles)) => roles.push(role.clone()),
                None => projects.push((group.clone(), vec![role.clone()])),
            }
        }
        projects
    }

    /// What `users org update` changes: `--role` replaces the organization roles, together with
    /// the project roles that `--project-role` gives (which therefore needs `--role`), and
    /// `--team` the teams.
    #[derive(Debug, Args)]
    #[group(required = true, multiple = true)]
    struct OrgUserChanges {
        /// An organization role the user is to hold; repeat for several.
        #[arg(long = "role", value_name = "ROLE", value_parser = org_role())]
        roles: Vec<OrgRole>,
        /// The ID of a team the user is to belong to; repeat for several.
        #[arg(long = "team", value_name = "TEAM_ID")]
        teams: Vec<String>,
        /// A role in one of the organization's projects, as PROJECT_ID:ROLE, given with --role;
        /// repeat for several.
        #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment, requires = "roles")]
        project_roles: Vec<(GroupId, ProjectRole)>,
    }

    /// The `roles` of a users request: `None` without organization roles, which Atlas requires.
    fn org_user_roles(org_roles: Vec<OrgRole>, project_roles: &[(GroupId, ProjectRole)]) -> Option<OrgUserRolesRequest> {
        let group_role_assignments = by_project(project_roles)
            .into_iter()
            .map(|(group, roles)| GroupRoleAssignment { group_id: Some(group), group_roles: Some(unique(roles)) })
            .collect();
        let org_roles = non_empty(unique(org_roles))?;
        Some(OrgUserRolesRequest { group_role_assignments: non_empty(group_role_assignments), org_roles })
    }

    /// Accepts only the roles this crate knows, so a typo fails here rather than at Atlas.
    fn project_role() -> impl TypedValueParser<Value = ProjectRole> {
        PossibleValuesParser::new(ProjectRole::KNOWN.iter().map(ProjectRole::as_str))
            .map(|name| name.parse::<ProjectRole>().unwrap_or_else(|never| match never {}))
    }

    fn org_role() -> impl TypedValueParser<Value = OrgRole> {
        PossibleValuesParser::new(OrgRole::KNOWN.iter().map(OrgRole::as_str))
            .map(|name| name.parse::<OrgRole>().unwrap_or_else(|never| match never {}))
    }

    fn project_role_assignment(value: &str) -> Result<(GroupId, ProjectRole), String> {
        let (group, role) = value.split_once(':').ok_or("expected PROJECT_ID:ROLE")?;
        let group = group.parse::<GroupId>().map_err(|err| err.to_string())?;
        let role = ProjectRole::KNOWN.iter().find(|known| known.as_str() == role).cloned().ok_or_else(|| {
            let known: Vec<&str> = ProjectRole::KNOWN.iter().map(ProjectRole::as_str).collect();
            format!("unknown project role {role:?}; expected one of {}", known.join(", "))
        })?;
        Ok((group, role))
    }

    fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
        (!items.is_empty()).then_some(items)
    }

    /// `items` without repeats, in order: the users endpoints refuse a role or team named twice.
    fn unique<T: PartialEq>(items: Vec<T>) -> Vec<T> {
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            if !kept.contains(&item) {
                kept.push(item);
            }
        }
        kept
    }

    /// How the client authenticates, from the environment (see the crate docs for the order).
    enum Credentials {
        AccessToken(String),
        ServiceAccount { client_id: String, client_secret: String },
        ApiKey { public_key: String, private_key: String },
    }

    fn credentials_from_env() -> Result<Credentials, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        let pair = |first: &str, second: &str| match (var(first), var(second)) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!("{first} is set but {second} is not")),
            (None, Some(_)) => Err(format!("{second} is set but {first} is not")),
        };
        if let Some(token) = var("MONGODB_ATLAS_ACCESS_TOKEN") {
            return Ok(Credentials::AccessToken(token));
        }
        if let Some((client_id, client_secret)) = pair("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET")? {
            return Ok(Credentials::ServiceAccount { client_id, client_secret });
        }
        if let Some((public_key, private_key)) = pair("MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY")? {
            return Ok(Credentials::ApiKey { public_key, private_key });
        }
        Err("no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (service account), \
         MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (API key), \
         or MONGODB_ATLAS_ACCESS_TOKEN (bearer token)"
            .to_owned())
    }

    fn client(cli: &Cli) -> Result<Client, Box<dyn Error>> {
        let mut builder =
            Client::builder().base_url(&cli.base_url).user_agent_suffix(concat!("invites-example/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &cli.ca_cert {
            let pem = std::fs::read(path).map_err(|err| format!("cannot read --ca-cert {}: {err}", path.display()))?;
            builder = builder.add_root_certificate(pem);
        }
        if let Some(proxy) = &cli.proxy {
            builder = builder.proxy(proxy);
        }
        let builder = match credentials_from_env()? {
            Credentials::AccessToken(token) => builder.bearer_token(token),
            Credentials::ServiceAccount { client_id, client_secret } => builder.service_account(client_id, client_secret),
            Credentials::ApiKey { public_key, private_key } => builder.digest(public_key, private_key),
        };
        Ok(builder.build()?)
    }

    /// Runs one command and returns what to print.
    #[allow(
        deprecated,
        reason = "Atlas deprecated the invitation endpoints (sunset 2027-07-01); this tool manages them until then"
    )]
    async fn run(cli: Cli) -> Result<serde_json::Value, Box<dyn Error>> {
        let client = client(&cli)?;
        let printed = match cli.scope {
            Scope::Users { scope } => users(&client, scope).await?,
            Scope::Project { action } => match action {
                ProjectAction::List { project, username } => {
                    let query = list_group_invites::Query { username };
                    serde_json::to_value(client.list_group_invites(&project.group, &query).await?)?
                }
                ProjectAction::Get { project, invitation } => {
                    serde_json::to_value(client.get_group_invite(&project.group, &invitation).await?)?
                }
                ProjectAction::Create { project, username, roles } => {
                    let body = GroupInvitationRequest { username: Some(username), roles: Some(roles.roles) };
                    serde_json::to_value(client.create_group_invite(&project.group, &body).await?)?
                }
                ProjectAction::Update { project, target, roles } => {
                    let updated = match (target.invitation, target.username) {
                        (Some(invitation), _) => {
                            let body = GroupInvitationUpdateRequest { roles: Some(roles.roles) };
                            client.update_group_invite_by_id(&project.group, &invitation, &body).await?
                        }
                        (None, username) => {
                            let body = GroupInvitationRequest { username, roles: Some(roles.roles) };
                            client.update_group_invites(&project.group, &body).await?
                        }
                    };
                    serde_json::to_value(updated)?
                }
                ProjectAction::Cancel { project, invitation } => {
                    client.delete_group_invite(&project.group, &invitation).await?;
                    serde_json::json!({ "cancelled": true, "invitationId": invitation })
                }
            },
            Scope::Org { action } => match action {
                OrgAction::List { org, username } => {
                    let query = list_org_invites::Query { username };
                    serde_json::to_value(client.list_org_invites(&org.org, &query).await?)?
                }
                OrgAction::Get { org, invitation } => serde_json::to_value(client.get_org_invite(&org.org, &invitation).await?)?,
                OrgAction::Create { org, username, grants } => {
                    let body = OrganizationInvitationRequest {
                        group_role_assignments: grants.group_role_assignments(),
                        username: Some(username),
                        roles: non_empty(grants.roles),
                        team_ids: non_empty(grants.teams),
                    };
                    serde_json::to_value(client.create_org_invite(&org.org, &body).await?)?
                }
                OrgAction::Update { org, target, grants } => {
                    let group_role_assignments = grants.group_role_assignments();
                    let (roles, team_ids) = (non_empty(grants.roles), non_empty(grants.teams));
                    let updated = match (target.invitation, target.username) {
                        (Some(invitation), _) => {
                            let body = OrganizationInvitationUpdateRequest { group_role_assignments, roles, team_ids };
                            client.update_org_invite_by_id(&org.org, &invitation, &body).await?
                        }
                        (None, username) => {
                            let body = OrganizationInvitationRequest { group_role_assignments, roles, team_ids, username };
                            client.update_org_invites(&org.org, &body).await?
                        }
                    };
                    serde_json::to_value(updated)?
                }
                OrgAction::Cancel { org, invitation } => {
                    client.delete_org_invite(&org.org, &invitation).await?;
                    serde_json::json!({ "cancelled": true, "invitationId": invitation })
                }
            },
            Scope::Migrate { scope } => workflows::migrate(&client, scope).await?,
            Scope::Apply(apply) => workflows::apply(&client, apply).await?,
        };
        Ok(printed)
    }

    /// Runs one `users` command (the MongoDB Cloud Users API) and returns what to print.
    async fn users(client: &Client, scope: UsersScope) -> Result<serde_json::Value, Box<dyn Error>> {
        let printed = match scope {
            UsersScope::Project { action } => match action {
                ProjectUserAction::List { project, filter } => {
                    let query = list_group_users::Query {
                        org_membership_statuses: filter.statuses(),
                        username: filter.username,
                        ..Default::default()
                    };
                    let users: Vec<_> = client.list_group_users_stream(&project.group, &query).try_collect().await?;
                    serde_json::to_value(users)?
                }
                ProjectUserAction::Show { project, user } => {
                    serde_json::to_value(client.get_group_user(&project.group, &user.user, &Default::default()).await?)?
                }
                ProjectUserAction::Invite { project, username, roles } => {
                    let body = GroupUserRequest { username, roles: unique(roles.roles) };
                    serde_json::to_value(client.add_group_users(&project.group, &body).await?)?
                }
                ProjectUserAction::AddRole { project, user, role } => {
                    let body = AddOrRemoveGroupRole { group_role: role };
                    serde_json::to_value(client.add_group_user_role(&project.group, &user.user, &body).await?)?
                }
                ProjectUserAction::RemoveRole { project, user, role } => {
                    let body = AddOrRemoveGroupRole { group_role: role };
                    serde_json::to_value(client.remove_group_user_role(&project.group, &user.user, &body).await?)?
                }
                ProjectUserAction::Remove { project, user } => {
                    client.remove_group_user(&project.group, &user.user).await?;
                    serde_json::json!({ "removed": true, "userId": user.user })
                }
                ProjectUserAction::Ensure(ensure) => workflows::ensure_project(client, ensure).await?,
            },
            UsersScope::Org { action } => match action {
                OrgUserAction::List { org, filter } => {
                    let query = list_org_users::Query {
                        org_membership_statuses: filter.statuses(),
                        username: filter.username,
                        ..Default::default()
                    };
                    let users: Vec<_> = client.list_org_users_stream(&org.org, &query).try_collect().await?;
                    serde_json::to_value(users)?
                }
                OrgUserAction::Show { org, user } => {
                    serde_json::to_value(client.get_org_user(&org.org, &user.user, &Default::default()).await?)?
                }
                OrgUserAction::Invite { org, username, roles, teams, project_roles } => {
                    let roles = org_user_roles(roles, &project_roles).ok_or("at least one --role is needed")?;
                    let body = OrgUserRequest { roles, team_ids: non_empty(unique(teams)), username };
                    serde_json::to_value(client.create_org_user(&org.org, &body).await?)?
                }
                OrgUserAction::Update { org, user, changes } => {
                    let body = OrgUserUpdateRequest {
                        roles: org_user_roles(changes.roles, &changes.project_roles),
                        team_ids: non_empty(unique(changes.teams)),
                    };
                    serde_json::to_value(client.update_org_user(&org.org, &user.user, &body).await?)?
                }
                OrgUserAction::AddRole { org, user, role } => {
                    let body = AddOrRemoveOrgRole { org_role: role };
                    serde_json::to_value(client.add_org_user_role(&org.org, &user.user, &body).await?)?
                }
                OrgUserAction::RemoveRole { org, user, role } => {
                    let body = AddOrRemoveOrgRole { org_role: role };
                    serde_json::to_value(client.remove_org_user_role(&org.org, &user.user, &body).await?)?
                }
                OrgUserAction::Remove { org, user } => {
                    client.remove_org_user(&org.org, &user.user).await?;
                    serde_json::json!({ "removed": true, "userId": user.user })
                }
                OrgUserAction::Ensure(ensure) => workflows::ensure_org(client, ensure).await?,
            },
        };
        Ok(printed)
    }

    #[tokio::main(flavor = "current_thread")]
    pub async fn main() -> ExitCode {
        let cli = Cli::parse();
        match run(cli).await {
            Ok(printed) => {
                // The workflows print as they go and return nothing more to print.
                if !printed.is_null() {
                    println!("{}", serde_json::to_string_pretty(&printed).expect("a JSON value always serializes"));
                }
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                let mut source = err.source();
                while let Some(cause) = source {
                    eprintln!("  caused by: {cause}");
                    source = cause.source();
                }
                ExitCode::FAILURE
            }
        }
    }

    /// The membership workflows (`migrate`, `users ... ensure`, `apply`) over
    /// `atlas_admin::membership`. They print as they go, return `Null` (nothing more to print),
    /// and fail, for exit status 1, when something was left undone.
    mod workflows {
        use std::collections::BTreeMap;
        use std::error::Error;
        use std::io::{IsTerminal, Write};
        use std::path::PathBuf;

        use atlas_admin::membership::{
            Action, Change, EnsurePlan, Ensured, Grants, Migration, Outcome, Pacer, Pacing, Progress, Report, Scope,
            ensure_org_user, ensure_project_user,
        };
        use atlas_admin::roles::{OrgRole, ProjectRole};
        use atlas_admin::{Client, GroupId, OrgId};
        use clap::{Args, Subcommand};
        use serde_json::{Value, json};

        use super::{org_role, project_role, project_role_assignment};

        #[derive(Debug, Subcommand)]
        pub(super) enum MigrateScope {
            /// Every pending invitation to one project.
            Project {
                /// The project's ID (24 hexadecimal characters).
                #[arg(long)]
                group: GroupId,
                #[command(flatten)]
                options: MigrateOptions,
            },
            /// Every pending invitation to one organization (with its project roles and teams).
            Org {
                /// The organization's ID (24 hexadecimal characters).
                #[arg(long)]
                org: OrgId,
                #[command(flatten)]
                options: MigrateOptions,
            },
        }

        #[derive(Debug, Args)]
        pub(super) struct MigrateOptions {
            /// Print the plan and write nothing.
            #[arg(long)]
            dry_run: bool,
            /// Print the report (with --dry-run, the plan) as JSON on stdout.
            #[arg(long)]
            json: bool,
        }

        #[derive(Debug, Args)]
        pub(super) struct EnsureProject {
            /// The project's ID (24 hexadecimal characters).
            #[arg(long)]
            group: GroupId,
            /// The user's email address.
            #[arg(long)]
            username: String,
            /// A project role the user is to hold; repeat for several. Roles not given are removed.
            #[arg(long = "role", required = true, value_name = "ROLE", value_parser = project_role())]
            roles: Vec<ProjectRole>,
        }

        #[derive(Debug, Args)]
        pub(super) struct EnsureOrg {
            /// The organization's ID (24 hexadecimal characters).
            #[arg(long)]
            org: OrgId,
            /// The user's email address.
            #[arg(long)]
            username: String,
            /// An organization role the user is to hold; repeat for several.
            #[arg(long = "role", required = true, value_name = "ROLE", value_parser = org_role())]
            roles: Vec<OrgRole>,
            /// A role the user is to hold in one of the organization's projects, as PROJECT_ID:ROLE; repeat for several.
            #[arg(long = "project-role", value_name = "PROJECT_ID:ROLE", value_parser = project_role_assignment)]
            project_roles: Vec<(GroupId, ProjectRole)>,
            /// The ID of a team the user is to belong to; repeat for several.
            #[arg(long = "team", value_name = "TEAM_ID")]
            teams: Vec<String>,
        }

        #[derive(Debug, Args)]
        pub(super) struct Apply {
            /// The desired members of projects and organizations, as YAML (see the README).
            #[arg(long)]
            file: PathBuf,
            /// Print the plan and write nothing.
            #[arg(long)]
            dry_run: bool,
            /// Also take away the roles and teams a listed member holds beyond the file's.
            #[arg(long)]
            prune: bool,
        }

        /// The pace of bulk writes: one a second, one at a time, unless
        /// `INVITES_WRITES_PER_MINUTE` (0: unspaced) or `INVITES_CONCURRENCY` say otherwise.
        fn pacing() -> Result<Pacing, Box<dyn Error>> {
            let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
            let mut pacing = Pacing::default();
            if let Some(value) = var("INVITES_WRITES_PER_MINUTE") {
                let writes: u32 = value.trim().parse().map_err(|err| format!("INVITES_WRITES_PER_MINUTE={value:?}: {err}"))?;
                pacing = if writes == 0 { Pacing::unlimited() } else { pacing.with_writes_per_minute(writes) };
            }
            if let Some(value) = var("INVITES_CONCURRENCY") {
                let concurrency: usize = value.trim().parse().map_err(|err| format!("INVITES_CONCURRENCY={value:?}: {err}"))?;
                pacing = pacing.with_concurrency(concurrency);
            }
            Ok(pacing)
        }

        pub(super) async fn migrate(client: &Client, scope: MigrateScope) -> Result<Value, Box<dyn Error>> {
            let (migration, options) = match scope {
                MigrateScope::Project { group, options } => (Migration::plan_project(client, &group).await?, options),
                MigrateScope::Org { org, options } => (Migration::plan_org(client, &org).await?, options),
            };
            if options.dry_run {
                if options.json {
                    println!("{}", serde_json::to_string_pretty(&plan_json(&migration))?);
                } else {
                    print_plan(&migration);
                }
                return Ok(Value::Null);
            }
            let pacer = Pacer::new(&pacing()?);
            let mut bar = Bar::new(!migration.steps().is_empty() && std::io::stderr().is_terminal());
            let report = migration.execute(client, &pacer, |progress| bar.show(progress)).await;
            bar.finish();
            if options.json {
                println!("{}", serde_json::to_string_pretty(&report_json(&report))?);
            } else {
                print_report(&report);
            }
            let failed = report.failures().count();
            if failed > 0 {
                return Err(
                    format!("{failed} of {} invitations could not be migrated and stay in place", report.entries.len()).into()
                );
            }
            Ok(Value::Null)
        }

        pub(super) async fn ensure_project(client: &Client, ensure: EnsureProject) -> Result<Value, Box<dyn Error>> {
            let ensured = ensure_project_user(client, &ensure.group, &ensure.username, &ensure.roles).await?;
            println!("{}", describe_ensured(&Scope::Project(ensure.group), &ensure.username, &ensured));
            Ok(Value::Null)
        }

        pub(super) async fn ensure_org(client: &Client, ensure: EnsureOrg) -> Result<Value, Box<dyn Error>> {
            let wanted = org_grants(&ensure.roles, ensure.project_roles.iter().map(|(group, role)| (group, role)), &ensure.teams);
            let ensured = ensure_org_user(client, &ensure.org, &ensure.username, &wanted).await?;
            println!("{}", describe_ensured(&Scope::Organization(ensure.org), &ensure.username, &ensured));
            Ok(Value::Null)
        }

        fn org_grants<'a>(
            roles: &[OrgRole],
            project_roles: impl IntoIterator<Item = (&'a GroupId, &'a ProjectRole)>,
            teams: &[String],
        ) -> Grants {
            let grants = roles.iter().fold(Grants::new(), |grants, role| grants.with_org_role(role.clone()));
            let grants =
                project_roles.into_iter().fold(grants, |grants, (group, role)| grants.with_project_role(group, role.clone()));
            teams.iter().fold(grants, |grants, team| grants.with_team(team.clone()))
        }

        /// The `apply` file: projects and organizations, each with the members it should have.
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct MembersFile {
            #[serde(default)]
            projects: Vec<ProjectMembers>,
            #[serde(default)]
            orgs: Vec<OrgMembers>,
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ProjectMembers {
            group: GroupId,
            members: Vec<ProjectMember>,
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ProjectMember {
            username: String,
            roles: Vec<ProjectRole>,
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct OrgMembers {
            org: OrgId,
            members: Vec<OrgMember>,
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct OrgMember {
            username: String,
            roles: Vec<OrgRole>,
            #[serde(default, rename = "projectRoles")]
            project_roles: BTreeMap<GroupId, Vec<ProjectRole>>,
            #[serde(default)]
            teams: Vec<String>,
        }

        /// Reads and checks the file: every role one this crate knows, so a typo fails here.
        fn read_members(path: &PathBuf) -> Result<MembersFile, Box<dyn Error>> {
            let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            let file: MembersFile = serde_yaml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
            let project_roles =
                file.projects.iter().flat_map(|project| project.members.iter().flat_map(|member| &member.roles)).chain(
                    file.orgs
                        .iter()
                        .flat_map(|org| org.members.iter().flat_map(|member| member.project_roles.values().flatten())),
                );
            if let Some(role) = project_roles.into_iter().find(|role| !ProjectRole::KNOWN.contains(role)) {
                return Err(format!("{}: unknown project role {role}", path.display()).into());
            }
            let org_roles = file.orgs.iter().flat_map(|org| org.members.iter().flat_map(|member| &member.roles));
            if let Some(role) = org_roles.into_iter().find(|role| !OrgRole::KNOWN.contains(role)) {
                return Err(format!("{}: unknown organization role {role}", path.display()).into());
            }
            Ok(file)
        }

        pub(super) async fn apply(client: &Client, apply: Apply) -> Result<Value, Box<dyn Error>> {
            let file = read_members(&apply.file)?;
            let mut plans = Vec::new();
            for project in &file.projects {
                for member in &project.members {
                    plans.push(EnsurePlan::project(client, &project.group, &member.username, &member.roles, apply.prune).await?);
                }
            }
            for org in &file.orgs {
                for member in &org.members {
                    let project_roles =
                        member.project_roles.iter().flat_map(|(group, roles)| roles.iter().map(move |role| (group, role)));
                    let wanted = org_grants(&member.roles, project_roles, &member.teams);
                    plans.push(EnsurePlan::org(client, &org.org, &member.username, &wanted, apply.prune).await?);
                }
            }
            let changes = plans.iter().filter(|plan| plan.change.writes()).count();
            println!("plan: {changes} of {} members to change{}", plans.len(), if apply.prune { " (pruning)" } else { "" });
            for plan in &plans {
                println!("  {} {}: {}", plan.scope, plan.username, describe_change(&plan.scope, &plan.change));
            }
            if apply.dry_run || changes == 0 {
                return Ok(Value::Null);
            }
            let pacer = Pacer::new(&pacing()?);
            let mut failed = 0;
            for plan in plans.iter().filter(|plan| plan.change.writes()) {
                match plan.execute(client, &pacer).await {
                    Ok(ensured) => println!("{} {}", plan.scope, describe_ensured(&plan.scope, &plan.username, &ensured)),
                    Err(err) => {
                        failed += 1;
                        println!("{} {}: failed: {err}", plan.scope, plan.username);
                    }
                }
            }
            if failed > 0 {
                return Err(format!("{failed} of {changes} members could not be changed").into());
            }
            Ok(Value::Null)
        }

        /// Grants as one line: organization roles, then `PROJECT:ROLE,ROLE` per project (only
        /// the roles, in a project's own scope), then `team:ID`s; `nothing` when empty.
        fn describe(scope: &Scope, grants: &Grants) -> String {
            let mut parts: Vec<String> = grants.org_roles.iter().map(ToString::to_string).collect();
            for (group, roles) in &grants.project_roles {
                let roles: Vec<String> = roles.iter().map(ToString::to_string).collect();
                match scope {
                    Scope::Project(own) if own == group => parts.push(roles.join(",")),
                    _ => parts.push(format!("{group}:{}", roles.join(","))),
                }
            }
            parts.extend(grants.teams.iter().map(|team| format!("team:{team}")));
            if parts.is_empty() { "nothing".to_owned() } else { parts.join(" ") }
        }

        fn describe_change(scope: &Scope, change: &Change) -> String {
            match change {
                Change::Create { grants } => format!("create with {}", describe(scope, grants)),
                Change::Update { user, add, remove } => {
                    let mut parts = vec![format!("update user {user}")];
                    if !add.is_empty() {
                        parts.push(format!("add {}", describe(scope, add)));
                    }
                    if !remove.is_empty() {
                        parts.push(format!("remove {}", describe(scope, remove)));
                    }
                    parts.join(": ")
                }
                Change::Unchanged { .. } => "unchanged".to_owned(),
                _ => format!("{change:?}"),
            }
        }

        fn describe_ensured(scope: &Scope, username: &str, ensured: &Ensured) -> String {
            match ensured {
                Ensured::Created { user, grants } => {
                    format!("{username}: created (user {user}) with {}", describe(scope, grants))
                }
                Ensured::Changed { user, added, removed } => format!(
                    "{username}: roles added {}; removed {} (user {user})",
                    describe(scope, added),
                    describe(scope, removed)
                ),
                Ensured::Unchanged { user } => format!("{username}: unchanged (user {user})"),
                _ => format!("{username}: {ensured:?}"),
            }
        }

        fn describe_action(scope: &Scope, step_grants: &Grants, action: &Action) -> String {
            match action {
                Action::Create => format!("create pending user with {}", describe(scope, step_grants)),
                Action::AddToMember { user, missing, .. } if missing.is_empty() => {
                    format!("already a member (user {user}) with every role: delete the invitation only")
                }
                Action::AddToMember { user, missing, .. } => {
                    format!("already a member (user {user}): add {}", describe(scope, missing))
                }
                _ => format!("{action:?}"),
            }
        }

        fn print_plan(migration: &Migration) {
            let steps = migration.steps();
            println!("plan for {}: {} pending invitations (dry run, nothing written)", migration.scope, steps.len());
            let width = steps.iter().map(|step| step.username.len()).max().unwrap_or(0);
            for step in steps {
                println!(
                    "  {}  {:width$}  {}",
                    step.invitation,
                    step.username,
                    describe_action(&migration.scope, &step.grants, &step.action)
                );
            }
        }

        fn print_report(report: &Report) {
            let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
            println!("{}: {migrated} of {} invitations migrated", report.scope, report.entries.len());
            if report.entries.is_empty() {
                return;
            }
            let width = report.entries.iter().map(|entry| entry.username.len()).max().unwrap_or(0).max("USERNAME".len());
            println!("{:24}  {:width$}  OUTCOME", "INVITATION", "USERNAME");
            for entry in &report.entries {
                let outcome = match &entry.outcome {
                    Outcome::Migrated { user } => format!("migrated (user {user})"),
                    Outcome::AlreadyMember { user, added } if added.is_empty() => format!("already a member (user {user})"),
                    Outcome::AlreadyMember { user, added } => {
                        format!("already a member (user {user}), added {}", describe(&report.scope, added))
                    }
                    Outcome::Failed { stage, error } => format!("FAILED {stage}, invitation left in place: {error}"),
                    other => format!("{other:?}"),
                };
                println!("{:24}  {:width$}  {outcome}", entry.invitation.to_string(), entry.username);
            }
        }

        fn scope_json(scope: &Scope) -> Value {
            match scope {
                Scope::Project(group) => json!({ "project": group }),
                Scope::Organization(org) => json!({ "org": org }),
                _ => json!(scope.to_string()),
            }
        }

        fn plan_json(migration: &Migration) -> Value {
            let steps: Vec<Value> = migration
                .steps()
                .iter()
                .map(|step| {
                    let mut value = json!({ "invitationId": step.invitation, "username": step.username, "grants": step.grants });
                    let action = match &step.action {
                        Action::Create => json!({ "action": "create" }),
                        Action::AddToMember { user, missing, .. } => {
                            json!({ "action": "addToMember", "userId": user, "missing": missing })
                        }
                        other => json!({ "action": format!("{other:?}") }),
                    };
                    value.as_object_mut().expect("an object").extend(action.as_object().expect("an object").clone());
                    value
                })
                .collect();
            json!({ "scope": scope_json(&migration.scope), "dryRun": true, "invitations": steps })
        }

        fn report_json(report: &Report) -> Value {
            let entries: Vec<Value> = report
                .entries
                .iter()
                .map(|entry| {
                    let outcome = match &entry.outcome {
                        Outcome::Migrated { user } => json!({ "outcome": "migrated", "userId": user }),
                        Outcome::AlreadyMember { user, added } => {
                            json!({ "outcome": "alreadyMember", "userId": user, "added": added })
                        }
                        Outcome::Failed { stage, error } => json!({
                            "outcome": "failed",
                            "stage": stage.to_string(),
                            "error": error.to_string(),
                            "status": error.status().map(|status| status.as_u16()),
                            "errorCode": error.api_error().map(|api| api.error_code.clone()),
                        }),
                        other => json!({ "outcome": format!("{other:?}") }),
                    };
                    let mut value = json!({ "invitationId": entry.invitation, "username": entry.username });
                    value.as_object_mut().expect("an object").extend(outcome.as_object().expect("an object").clone());
                    value
                })
                .collect();
            let migrated = report.entries.iter().filter(|entry| entry.outcome.is_success()).count();
            json!({
                "scope": scope_json(&report.scope),
                "migrated": migrated,
                "failed": report.entries.len() - migrated,
                "entries": entries,
            })
        }

        /// A one-line progress bar on stderr, drawn only when stderr is a terminal.
        struct Bar {
            on: bool,
        }

        impl Bar {
            fn new(on: bool) -> Self {
                Self { on }
            }

            fn show(&mut self, progress: Progress<'_>) {
                if !self.on {
                    return;
                }
                const WIDTH: usize = 30;
                let filled = WIDTH * progress.done / progress.total.max(1);
                let mut stderr = std::io::stderr().lock();
                let _ = write!(
                    stderr,
                    "\r[{}{}] {}/{} {:40}",
                    "#".repeat(filled),
                    "-".repeat(WIDTH - filled),
                    progress.done,
                    progress.total,
                    progress.last.username
                );
                let _ = stderr.flush();
            }

            fn finish(&self) {
                if self.on {
                    eprintln!();
                }
            }
        }
    }
}
