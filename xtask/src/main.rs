//! `cargo xtask`: operator commands. Run `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use redress_shared::business_hours::BusinessHours;
use redress_shared::categorize::Priority;
use redress_shared::NotificationEvent;
use xtask::stores::StoreChanges;
use xtask::{agents, stores, D1};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Redress operator commands")]
struct Cli {
    #[command(flatten)]
    target: Target,
    #[command(subcommand)]
    command: Command,
}

/// Which database: the local one `wrangler dev` uses (default) or the deployed one.
#[derive(Args)]
struct Target {
    /// Work on the deployed D1 database (needs `wrangler login` or CLOUDFLARE_API_TOKEN).
    #[arg(long, global = true, conflicts_with = "persist_to")]
    remote: bool,
    /// The local state folder, if `wrangler dev` was started with --persist-to.
    #[arg(long, global = true, value_name = "DIR")]
    persist_to: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Stores: who may embed the widget, deadlines, channels.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Agents' bearer tokens for the agent API.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Builds in release mode and measures Redress beside its peers and its limits:
    /// widget weight, edge latency, categorizer speed, uploads. Writes
    /// target/bench/latest.json.
    Bench,
    /// Serves the translation provider's local stand-in (LibreTranslate's API and a
    /// phrasebook) until stopped: what `scripts/dev.sh` translates with.
    Translator {
        #[arg(long, default_value = "127.0.0.1:8790")]
        address: String,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Creates a store, or changes the options given (others stay as they are).
    Put(Box<PutStore>),
    /// Prints one store's configuration as JSON.
    Show { id: String },
    /// Prints every store's configuration as JSON lines.
    List,
    /// Prints what a store had translated, per day, the latest first.
    TranslationUsage {
        id: String,
        /// How many days back.
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
}

#[derive(Args)]
struct PutStore {
    /// The id the embed tag names in data-store.
    id: String,
    #[arg(long)]
    name: Option<String>,
    /// A storefront origin the widget may be used from (repeat for several). Once any
    /// is set, requests from other origins are refused.
    #[arg(long = "origin", value_name = "ORIGIN")]
    origins: Vec<String>,
    /// Accept every origin again (clears the list).
    #[arg(long, conflicts_with = "origins")]
    any_origin: bool,
    /// The widget's language when the page does not say (BCP 47).
    #[arg(long)]
    locale: Option<String>,
    /// Hours to answer an urgent case (default 2).
    #[arg(long)]
    urgent_hours: Option<u32>,
    /// Hours to answer a high-priority case (default 12).
    #[arg(long)]
    high_hours: Option<u32>,
    /// Hours to answer a normal case (default 24).
    #[arg(long)]
    normal_hours: Option<u32>,
    /// Hours to answer a low-priority case (default 72).
    #[arg(long)]
    low_hours: Option<u32>,
    /// Hours to resolve a case, by priority, for those given (defaults
    /// urgent=24,high=48,normal=120,low=240).
    #[arg(long, value_name = "PRIORITY=HOURS,...", value_parser = parse_priority_hours)]
    resolution_hours: Option<PriorityHoursList>,
    /// Count the service-level clocks in business hours, e.g. "mon-fri 09:00-18:00
    /// Europe/Berlin"; '' counts around the clock again.
    #[arg(long, value_name = "DAYS HH:MM-HH:MM ZONE", value_parser = parse_business_hours)]
    business_hours: Option<OptionalHours>,
    /// Days nobody works (YYYY-MM-DD, commas between), with business hours; '' for none.
    #[arg(long, value_name = "DATES", value_delimiter = ',')]
    holidays: Option<Vec<String>>,
    /// Orders worth at least this many minor units (cents) are high priority; 0: never.
    #[arg(long, value_name = "MINOR_UNITS")]
    high_value_order: Option<u64>,
    /// Where every case event is POSTed as signed JSON; '' removes it.
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// A Slack-compatible incoming webhook; '' removes it.
    #[arg(long, value_name = "URL")]
    chat_webhook_url: Option<String>,
    /// An address that gets each case by email; '' removes it.
    #[arg(long, value_name = "ADDRESS")]
    email_to: Option<String>,
    /// The events the team chat gets, by code, commas between (default
    /// case.created,case.shopper_replied,case.escalated); '' for none.
    #[arg(long, value_name = "EVENTS", value_parser = parse_events)]
    chat_events: Option<Events>,
    /// The events the email inbox gets (as --chat-events).
    #[arg(long, value_name = "EVENTS", value_parser = parse_events)]
    email_events: Option<Events>,
    /// Issue a new webhook signing secret (the old one stops working).
    #[arg(long)]
    rotate_webhook_secret: bool,
    /// Files a complaint may attach (default 10).
    #[arg(long)]
    max_files: Option<usize>,
    /// Largest image or PDF in MB (default 20).
    #[arg(long)]
    max_image_mb: Option<u64>,
    /// Largest video in MB (default 100).
    #[arg(long)]
    max_video_mb: Option<u64>,
    /// Most evidence per complaint in MB (default 200).
    #[arg(long)]
    max_total_mb: Option<u64>,
    /// Let shoppers send photos at full size, with their metadata (default false: the
    /// widget downscales them and drops where they were taken).
    #[arg(long, value_name = "BOOL")]
    original_photos: Option<bool>,
    /// Show shoppers the name of the agent who replied, on their case page and in the
    /// reply's email (default false: they hear from the store alone).
    #[arg(long, value_name = "BOOL")]
    agent_names: Option<bool>,
    /// The currencies offers may be made in, ISO 4217, the main one first (default USD).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    currencies: Option<Vec<String>>,
    /// How many days a shopper has to answer an offer (default 7).
    #[arg(long, value_name = "DAYS")]
    offer_days: Option<u32>,
    /// Ask shoppers to pass Cloudflare Turnstile: the site key from Cloudflare's
    /// dashboard ('' turns Turnstile off). Needs --turnstile-secret the first time.
    #[arg(long, value_name = "KEY")]
    turnstile_site_key: Option<String>,
    /// The secret of that Turnstile widget, which the edge sends to siteverify.
    #[arg(long, value_name = "SECRET")]
    turnstile_secret: Option<String>,
    /// The language the store's agents work in: shoppers' texts in other languages are
    /// translated into it (ISO 639-1, default en).
    #[arg(long, value_name = "LANGUAGE")]
    working_language: Option<String>,
    /// How many characters a day the store may have translated (default 200000).
    #[arg(long, value_name = "CHARACTERS")]
    translation_per_day: Option<u64>,
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Issues a token for an agent of a store and prints it once.
    Issue {
        store: String,
        /// Who holds the token, as shown in case timelines.
        #[arg(long)]
        name: String,
    },
    /// Lists a store's tokens (never the tokens themselves).
    List { store: String },
    /// Revokes a token by its id (agt_...).
    Revoke { token_id: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let d1 = if cli.target.remote {
        D1::Remote
    } else {
        D1::Local {
            persist_to: cli.target.persist_to,
        }
    };
    match run(&d1, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(d1: &D1, command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Store(StoreCommand::Put(put)) => {
            let id = put.id.clone();
            let done = stores::put(d1, &id, put.into_changes())?;
            let verb = if done.created { "created" } else { "updated" };
            println!("{verb} store {id}");
            println!("{}", serde_json::to_string_pretty(&done.config)?);
            if let Some(secret) = done.new_webhook_secret {
                println!(
                    "\nWebhook signing secret (shown once; give it to the store's developers):"
                );
                println!("  {secret}");
            }
        }
        Command::Store(StoreCommand::Show { id }) => {
            let row = stores::load(d1, &id)?.ok_or(xtask::Error::UnknownStore(id))?;
            println!("{}", serde_json::to_string_pretty(&row.into_config().0)?);
        }
        Command::Store(StoreCommand::List) => {
            for store in stores::list(d1)? {
                println!("{}", serde_json::to_string(&store)?);
            }
        }
        Command::Store(StoreCommand::TranslationUsage { id, days }) => {
            let row = stores::load(d1, &id)?.ok_or(xtask::Error::UnknownStore(id.clone()))?;
            let allowance = row.into_config().0.translation.characters_per_day;
            println!("day\tcharacters\ttexts\tof the day's allowance ({allowance})");
            for day in stores::translation_usage(d1, &id, days)? {
                let share = day.characters as f64 * 100.0 / allowance.max(1) as f64;
                println!(
                    "{}\t{}\t{}\t{share:.1}%",
                    day.day, day.characters, day.texts
                );
            }
        }
        Command::Agent(AgentCommand::Issue { store, name }) => {
            let issued = agents::issue(d1, &store, &name)?;
            println!("issued {} to {name} for store {store}", issued.id);
            println!("\nAgent token (shown once; only its SHA-256 is kept):");
            println!("  {}", issued.token.as_str());
        }
        Command::Agent(AgentCommand::List { store }) => {
            for t in agents::list(d1, &store)? {
                let state = match (&t.revoked_at, &t.last_used_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) => format!("last used {at}"),
                    (None, None) => "never used".to_owned(),
                };
                println!("{}\t{}\tissued {}\t{state}", t.id, t.agent, t.created_at);
            }
        }
        Command::Bench => xtask::bench::run()?,
        Command::Translator { address } => {
            let stand_in = xtask::translator::StandIn::start(&address)?;
            println!("translation stand-in at {}", stand_in.url());
            stand_in.join();
        }
        Command::Agent(AgentCommand::Revoke { token_id }) => {
            agents::revoke(d1, &token_id)?;
            println!("revoked {token_id}");
        }
    }
    Ok(())
}

impl PutStore {
    fn into_changes(self) -> StoreChanges {
        let allowed_origins = if self.any_origin {
            Some(Vec::new())
        } else {
            Some(self.origins).filter(|o| !o.is_empty())
        };
        StoreChanges {
            name: self.name,
            allowed_origins,
            default_locale: self.locale,
            urgent_hours: self.urgent_hours,
            high_hours: self.high_hours,
            normal_hours: self.normal_hours,
            low_hours: self.low_hours,
            resolution_hours: self.resolution_hours.map(|h| h.0).unwrap_or_default(),
            business_hours: self.business_hours.map(|h| h.0),
            holidays: self
                .holidays
                .map(|days| days.into_iter().filter(|d| !d.is_empty()).collect()),
            high_value_order_minor: self.high_value_order,
            webhook_url: self.webhook_url,
            chat_webhook_url: self.chat_webhook_url,
            email_to: self.email_to,
            chat_events: self.chat_events.map(|e| e.0),
            email_events: self.email_events.map(|e| e.0),
            rotate_webhook_secret: self.rotate_webhook_secret,
            max_files: self.max_files,
            max_image_mb: self.max_image_mb,
            max_video_mb: self.max_video_mb,
            max_total_mb: self.max_total_mb,
            original_photos_allowed: self.original_photos,
            agent_names_shown: self.agent_names,
            currencies: self.currencies,
            offer_days: self.offer_days,
            turnstile_site_key: self.turnstile_site_key,
            turnstile_secret: self.turnstile_secret,
            working_language: self.working_language,
            translation_characters_per_day: self.translation_per_day,
        }
    }
}

/// Hours by priority as the operator types them (`normal=72,low=168`).
#[derive(Debug, Clone)]
struct PriorityHoursList(Vec<(Priority, u32)>);

fn parse_priority_hours(text: &str) -> Result<PriorityHoursList, String> {
    text.split(',')
        .map(|pair| {
            let (priority, hours) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?}: write PRIORITY=HOURS, e.g. normal=72"))?;
            let priority = Priority::from_code(priority.trim())
                .ok_or_else(|| format!("{priority:?} is not urgent, high, normal or low"))?;
            let hours = hours
                .trim()
                .parse()
                .map_err(|_| format!("{hours:?} is not a number of hours"))?;
            Ok((priority, hours))
        })
        .collect::<Result<_, String>>()
        .map(PriorityHoursList)
}

/// Business hours, or `None` for around the clock ('').
#[derive(Debug, Clone)]
struct OptionalHours(Option<BusinessHours>);

fn parse_business_hours(text: &str) -> Result<OptionalHours, String> {
    if text.trim().is_empty() {
        return Ok(OptionalHours(None));
    }
    let hours = BusinessHours::parse(text, &[]).map_err(|e| e.to_string())?;
    // The edge asks the platform for the zone; here it must exist in the IANA database.
    hours
        .time_zone
        .parse::<chrono_tz::Tz>()
        .map_err(|_| format!("{:?} is not an IANA time zone", hours.time_zone))?;
    Ok(OptionalHours(Some(hours)))
}

/// A list of event codes as the operator types it.
#[derive(Debug, Clone)]
struct Events(Vec<NotificationEvent>);

fn parse_events(codes: &str) -> Result<Events, String> {
    codes
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            NotificationEvent::from_code(code).ok_or_else(|| {
                let known: Vec<&str> = NotificationEvent::ALL.iter().map(|e| e.code()).collect();
                format!("{code:?} is not an event; use any of {}", known.join(", "))
            })
        })
        .collect::<Result<_, _>>()
        .map(Events)
}
