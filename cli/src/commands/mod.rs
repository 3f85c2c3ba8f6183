//! One module per command group, each with its clap definition and the function that runs it.

pub mod apply;
pub mod completions;
pub mod invitations;
pub mod migrate;
pub mod teams;
pub mod users;

use atlas_admin::Client;

use crate::output::Output;
use crate::profile::Defaults;

/// What every command that talks to Atlas runs with.
pub struct Context {
    pub client: Client,
    pub defaults: Defaults,
    pub out: Output,
}
