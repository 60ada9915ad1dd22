//! Records the server answers from: a seeded synthetic data set, or records read from a file.

use std::path::Path;

use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Duration, OffsetDateTime, Time};
use workspaceapp_model::{AppConnectionInfo, ListAppConnectionResponse, runtime::DateTime};

/// The project id of the page's example request, used when none is configured.
pub const DEFAULT_PROJECT_ID: &str = "a4da8115c9d8464ead3a38309130523f";

/// Default number of synthetic records.
pub const DEFAULT_RECORDS: usize = 1000;

/// Default seed of the synthetic data set.
pub const DEFAULT_SEED: u64 = 20250524;

/// Default newest possible login time of the synthetic data set: the end of the page's example request.
pub const DEFAULT_UNTIL: OffsetDateTime = time::macros::datetime!(2025-05-24 10:22:55 UTC);

/// Default number of days the synthetic login times are spread over (six weeks).
pub const DEFAULT_SPAN_DAYS: u32 = 42;

/// How to make a synthetic data set. The same values always give the same records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticSpec {
    /// Number of records.
    pub records: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Tenant id written into every record (the project id the server serves).
    pub project_id: String,
    /// Newest possible login time.
    pub until: OffsetDateTime,
    /// Login times fall into the `span_days` days that end at `until`.
    pub span_days: u32,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        SyntheticSpec {
            records: DEFAULT_RECORDS,
            seed: DEFAULT_SEED,
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            until: DEFAULT_UNTIL,
            span_days: DEFAULT_SPAN_DAYS,
        }
    }
}

/// Why records could not be read from a file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The text is neither a JSON array of records, an object with `items`, nor NDJSON.
    #[error("{what}: {message}")]
    Parse {
        /// Where: the file, with a line number for NDJSON.
        what: String,
        /// The cause.
        message: String,
    },
}

/// Reads records from a file: a JSON array of records, a JSON object with an `items` array
/// (a saved answer of the operation), a single record object, or NDJSON (one record per line).
pub fn load_file(path: &Path) -> Result<Vec<AppConnectionInfo>, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_records(&text).map_err(|err| match err {
        LoadError::Parse { what, message } => LoadError::Parse {
            what: format!("{}{what}", path.display()),
            message,
        },
        other => other,
    })
}

/// Parses records from text; see [`load_file`] for the accepted shapes. In errors `what` is
/// empty for whole-document errors and `:LINE` for NDJSON lines.
pub fn parse_records(text: &str) -> Result<Vec<AppConnectionInfo>, LoadError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                serde_json::from_value(item).map_err(|e| LoadError::Parse {
                    what: format!(": record {i}"),
                    message: e.to_string(),
                })
            })
            .collect(),
        Ok(value @ serde_json::Value::Object(_)) => {
            let response: ListAppConnectionResponse = serde_json::from_value(value.clone())
                .map_err(|e| LoadError::Parse {
                    what: String::new(),
                    message: e.to_string(),
                })?;
            match response.items {
                Some(items) => Ok(items),
                None => serde_json::from_value(value)
                    .map(|record| vec![record])
                    .map_err(|e| LoadError::Parse {
                        what: String::new(),
                        message: e.to_string(),
                    }),
            }
        }
        Ok(_) => Err(LoadError::Parse {
            what: String::new(),
            message: "expected a JSON array of records, an object with items, or NDJSON".into(),
        }),
        Err(_) => parse_ndjson(trimmed),
    }
}

fn parse_ndjson(text: &str) -> Result<Vec<AppConnectionInfo>, LoadError> {
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let record = serde_json::from_str(line).map_err(|e| LoadError::Parse {
            what: format!(":{}", i + 1),
            message: e.to_string(),
        })?;
        records.push(record);
    }
    Ok(records)
}

/// Writes records as NDJSON, one record per line.
pub fn to_ndjson(records: &[AppConnectionInfo]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for record in records {
        out.push_str(&serde_json::to_string(record)?);
        out.push('\n');
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Synthetic data

const APP_GROUPS: &[(&str, &[&str])] = &[
    ("Office", &["Word", "Excel", "PowerPoint", "Outlook"]),
    ("Cloud storage", &["Notepad++", "OneDrive", "7-Zip"]),
    ("Design", &["Photoshop", "AutoCAD", "Visio"]),
    (
        "Development",
        &["Visual Studio Code", "PyCharm", "Git Bash", "Postman"],
    ),
    ("Finance", &["SAP GUI", "Power BI", "Kingdee K3"]),
    ("Browsers", &["Chrome", "Edge", "Firefox"]),
];

const FIRST_NAMES: &[&str] = &[
    "Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Tao", "Hui", "Jun", "Anna", "David",
    "Maria", "Omar", "Sofia", "Lukas", "Priya", "Kenji", "Elena", "Mateo",
];

const LAST_NAMES: &[&str] = &[
    "Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Schmidt",
    "Garcia", "Rossi", "Khan", "Tanaka", "Novak", "Silva", "Kumar", "Ivanova", "Dubois",
];

const USER_DOMAINS: &[&str] = &["wksapp.example.com", "corp.example.com"];

const CLIENT_VERSIONS: &[&str] = &["23.5.0.0", "23.11.0.0", "24.3.0.0", "24.9.0.0", "25.3.0.0"];

const AGENT_VERSIONS: &[&str] = &["23.5.0.0529", "23.12.0.1130", "24.6.0.0618", "25.2.0.0227"];

const FAILURES: &[(&str, &str)] = &[
    ("500", "Internal error of the application server."),
    (
        "WKS.00211801",
        "No application server is available in the server group.",
    ),
    (
        "WKS.00211802",
        "Connecting to the application server timed out.",
    ),
    (
        "WKS.00211803",
        "The user has reached the maximum number of sessions.",
    ),
    (
        "WKS.00211804",
        "The application is not installed on the application server.",
    ),
    ("WKS.00211805", "The client version is not supported."),
    (
        "WKS.00211806",
        "The user is not authorized to use the application group.",
    ),
];

/// Share of connection attempts that fail, in percent.
const FAILURE_PERCENT: u32 = 7;

/// Hours of the day with their weights: most logins happen in office hours.
const HOUR_WEIGHTS: [u32; 24] = [
    1, 1, 1, 1, 1, 1, 2, 4, 10, 14, 14, 12, 8, 12, 14, 14, 12, 10, 6, 4, 3, 2, 2, 1,
];

struct App {
    id: String,
    name: String,
    group: usize,
}

struct AppGroup {
    id: String,
    name: String,
    primary_server_group: usize,
    secondary_server_group: Option<usize>,
}

struct Server {
    machine_name: String,
    sid: String,
    vm_ip: String,
    instance_id: String,
    host_id: String,
    agent_version: String,
    server_group: usize,
}

struct Client {
    name: String,
    mac: String,
    ip: String,
    os: &'static str,
    version: String,
    public_ip: String,
}

struct User {
    name: String,
    clients: Vec<Client>,
    groups: Vec<usize>,
}

fn hex(rng: &mut ChaCha8Rng, len: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdef";
    (0..len)
        .map(|_| char::from(DIGITS[rng.random_range(0..16)]))
        .collect()
}

fn upper_alnum(rng: &mut ChaCha8Rng, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..len)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

fn digits(rng: &mut ChaCha8Rng, len: usize) -> String {
    (0..len)
        .map(|i| {
            let d = if i == 0 {
                rng.random_range(1..10)
            } else {
                rng.random_range(0..10)
            };
            char::from(b'0' + d)
        })
        .collect()
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    // A version 4 UUID: version nibble 4, variant nibble 8..=b.
    let h = hex(rng, 32);
    let variant = ["8", "9", "a", "b"][rng.random_range(0..4)];
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    // Every list passed here is a non-empty constant or built non-empty.
    items.choose(rng).unwrap_or(&items[0])
}

fn weighted_hour(rng: &mut ChaCha8Rng) -> u8 {
    let total: u32 = HOUR_WEIGHTS.iter().sum();
    let mut n = rng.random_range(0..total);
    for (hour, weight) in HOUR_WEIGHTS.iter().enumerate() {
        if n < *weight {
            return hour as u8;
        }
        n -= weight;
    }
    12
}

fn format_time(t: OffsetDateTime) -> String {
    DateTime::from_offset_date_time(t).as_str().to_owned()
}

/// Generates the synthetic data set described by `spec`, newest login first.
///
/// The world behind it: six application groups with their applications, three server groups of
/// application servers (`APS-XXXXXXXXXX` machines with SIDs and IPs), users with one or two
/// Windows 10/11 or Mac clients each, and about 7% failed connections with a failure code and
/// reason. Login times cluster in office hours over `span_days` days up to `until`.
pub fn generate(spec: &SyntheticSpec) -> Vec<AppConnectionInfo> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);

    // Server groups and servers.
    let server_group_ids: Vec<String> = (0..3).map(|_| uuid(&mut rng)).collect();
    let mut servers = Vec::new();
    for (group, _) in server_group_ids.iter().enumerate() {
        let count = rng.random_range(2..5);
        for _ in 0..count {
            let machine_name = format!("APS-{}", upper_alnum(&mut rng, 10));
            let sid = format!(
                "S-1-5-21-{}-{}-{}-{}",
                digits(&mut rng, 10),
                digits(&mut rng, 10),
                digits(&mut rng, 10),
                rng.random_range(1000..10000)
            );
            let vm_ip = format!(
                "10.{}.{}.{}",
                rng.random_range(0..256),
                rng.random_range(0..256),
                rng.random_range(2..255)
            );
            let host_id = if rng.random_range(0..10) < 3 {
                uuid(&mut rng)
            } else {
                String::new()
            };
            servers.push(Server {
                machine_name,
                sid,
                vm_ip,
                instance_id: uuid(&mut rng),
                host_id,
                agent_version: pick(&mut rng, AGENT_VERSIONS).to_string(),
                server_group: group,
            });
        }
    }

    // Application groups and applications.
    let mut groups = Vec::new();
    let mut apps = Vec::new();
    for (index, (group_name, app_names)) in APP_GROUPS.iter().enumerate() {
        let primary = rng.random_range(0..server_group_ids.len());
        let secondary = if rng.random_bool(0.5) {
            Some((primary + 1) % server_group_ids.len())
        } else {
            None
        };
        groups.push(AppGroup {
            id: digits(&mut rng, 18),
            name: (*group_name).to_owned(),
            primary_server_group: primary,
            secondary_server_group: secondary,
        });
        for app in app_names.iter() {
            apps.push(App {
                id: hex(&mut rng, 32),
                name: format!("{group_name}-{app}"),
                group: index,
            });
        }
    }

    // Access gateways and office egress addresses.
    let gateways: Vec<String> = (0..3)
        .map(|_| format!("192.168.10.{}", rng.random_range(2..255)))
        .collect();
    let egress: Vec<String> = ["203.0.113", "198.51.100", "192.0.2"]
        .iter()
        .map(|net| format!("{net}.{}", rng.random_range(1..255)))
        .collect();

    // Users and their clients.
    let user_count = (spec.records / 25).clamp(8, 200);
    let mut users: Vec<User> = Vec::with_capacity(user_count);
    let mut taken = std::collections::HashSet::new();
    while users.len() < user_count {
        let first = pick(&mut rng, FIRST_NAMES);
        let last = pick(&mut rng, LAST_NAMES);
        let domain = pick(&mut rng, USER_DOMAINS);
        let mut name = format!("{first}.{last}@{domain}");
        if !taken.insert(name.clone()) {
            name = format!("{first}.{last}{}@{domain}", users.len());
            taken.insert(name.clone());
        }
        let client_count = if rng.random_range(0..4) == 0 { 2 } else { 1 };
        let clients = (0..client_count)
            .map(|_| {
                let roll = rng.random_range(0..100);
                let os = if roll < 45 {
                    "Windows 10"
                } else if roll < 85 {
                    "Windows 11"
                } else {
                    "Mac"
                };
                let name = if os == "Mac" {
                    format!("{first}{last}s-MacBook-Pro")
                } else {
                    format!("DESKTOP-{}", upper_alnum(&mut rng, 7))
                };
                let mac = (0..6)
                    .map(|_| hex(&mut rng, 2))
                    .collect::<Vec<_>>()
                    .join("-");
                let ip = format!(
                    "192.168.{}.{}",
                    rng.random_range(20..40),
                    rng.random_range(2..255)
                );
                Client {
                    name,
                    mac,
                    ip,
                    os,
                    version: pick(&mut rng, CLIENT_VERSIONS).to_string(),
                    public_ip: pick(&mut rng, &egress).clone(),
                }
            })
            .collect();
        let mut user_groups: Vec<usize> = (0..groups.len()).collect();
        let keep = rng.random_range(1..4).min(user_groups.len());
        // Partial Fisher-Yates: the first `keep` entries are the user's groups.
        for i in 0..keep {
            let j = rng.random_range(i..user_groups.len());
            user_groups.swap(i, j);
        }
        user_groups.truncate(keep);
        users.push(User {
            name,
            clients,
            groups: user_groups,
        });
    }

    let span_days = i64::from(spec.span_days.max(1));
    let until_day = spec.until.replace_time(Time::MIDNIGHT);
    let mut records = Vec::with_capacity(spec.records);
    for _ in 0..spec.records {
        let user = &users[rng.random_range(0..users.len())];
        let client = &user.clients[rng.random_range(0..user.clients.len())];
        let group_index = user.groups[rng.random_range(0..user.groups.len())];
        let group = &groups[group_index];
        let group_apps: Vec<&App> = apps.iter().filter(|a| a.group == group_index).collect();
        let app = group_apps[rng.random_range(0..group_apps.len())];
        let use_secondary = group.secondary_server_group.is_some() && rng.random_range(0..5) == 0;
        let server_group = if use_secondary {
            group
                .secondary_server_group
                .unwrap_or(group.primary_server_group)
        } else {
            group.primary_server_group
        };
        let candidates: Vec<&Server> = servers
            .iter()
            .filter(|s| s.server_group == server_group)
            .collect();
        let server = candidates[rng.random_range(0..candidates.len())];

        let day = rng.random_range(0..span_days);
        let hour = weighted_hour(&mut rng);
        let minute = rng.random_range(0..60u8);
        let second = rng.random_range(0..60u8);
        let mut login = until_day - Duration::days(day)
            + Duration::hours(i64::from(hour))
            + Duration::minutes(i64::from(minute))
            + Duration::seconds(i64::from(second));
        if login > spec.until {
            login -= Duration::days(1);
        }

        let failure = if rng.random_range(0..100) < FAILURE_PERCENT {
            Some(*pick(&mut rng, FAILURES))
        } else {
            None
        };
        // A failed login has no end, nor has a session still open at the end of the data:
        // the field is left out, since an empty string is no time.
        let end_time = match failure {
            Some(_) => None,
            None => {
                let minutes = rng.random_range(2..300);
                let end =
                    login + Duration::minutes(minutes) + Duration::seconds(rng.random_range(0..60));
                (end <= spec.until).then(|| format_time(end))
            }
        };
        let virtual_ip = if rng.random_range(0..5) == 0 {
            format!(
                "172.16.{}.{}",
                rng.random_range(0..16),
                rng.random_range(2..255)
            )
        } else {
            String::new()
        };

        records.push(AppConnectionInfo {
            id: Some(hex(&mut rng, 32)),
            sid: Some(server.sid.clone()),
            app_id: Some(app.id.clone()),
            machine_name: Some(server.machine_name.clone()),
            user_name: Some(user.name.clone()),
            app_group_name: Some(group.name.clone()),
            app_group_id: Some(group.id.clone()),
            app_name: Some(app.name.clone()),
            brokering_time: Some(format_time(login)),
            failed_code: Some(failure.map(|f| f.0).unwrap_or_default().to_owned()),
            connection_failure_reason: Some(failure.map(|f| f.1).unwrap_or_default().to_owned()),
            client_mac: Some(client.mac.clone()),
            client_name: Some(client.name.clone()),
            client_ip: Some(client.ip.clone()),
            client_version: Some(client.version.clone()),
            client_type: Some(client.os.to_owned()),
            agent_version: Some(server.agent_version.clone()),
            vm_ip: Some(server.vm_ip.clone()),
            wi_ip: Some(pick(&mut rng, &gateways).clone()),
            tenant_id: Some(spec.project_id.clone()),
            virtual_ip: Some(virtual_ip),
            public_ip: Some(client.public_ip.clone()),
            transaction_id: Some(uuid(&mut rng)),
            end_time,
            aps_instance_id: Some(server.instance_id.clone()),
            aps_instance_name: Some(server.machine_name.clone()),
            aps_host_id: Some(server.host_id.clone()),
            primary_server_group_id: Some(server_group_ids[group.primary_server_group].clone()),
            secondary_server_group_id: Some(
                group
                    .secondary_server_group
                    .map(|g| server_group_ids[g].clone())
                    .unwrap_or_default(),
            ),
            ..Default::default()
        });
    }
    records.sort_by(|a, b| b.brokering_time.cmp(&a.brokering_time));
    records
}
