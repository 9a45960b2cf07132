//! Tenants: who may call, under which name, at what rate and with how many
//! verifications at once.
//!
//! Keys from `--api-key` and `--api-keys-file` belong to the tenant
//! `default`, with no limits of its own; a tenants file (TOML, reloaded
//! without a restart) names tenants with their own keys and limits. Keys are
//! kept as SHA-256 digests, so a lookup's timing does not depend on how much
//! of a key matched.

use crate::rate::TenantLimiter;
use hyper::{header, HeaderMap};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::Semaphore;

/// Largest tenants file read.
pub const MAX_FILE: u64 = 1 << 20;
/// Most tenants in a file (each is a label value in the metrics).
pub const MAX_TENANTS: usize = 1000;
/// Longest API key; a longer `Authorization` header is refused unread.
pub const MAX_KEY: usize = 256;
/// Longest tenant name.
pub const MAX_NAME: usize = 64;
/// The tenant of the command line's keys.
pub const DEFAULT_TENANT: &str = "default";

/// A presented key, as its SHA-256. A connection keeps this, not the tenant
/// the key named when it connected, so each call (many on one WebSocket)
/// finds the key's tenant as the tenants file says now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyDigest([u8; 32]);

/// One tenant: a name and the limits shared by all its keys.
pub struct Tenant {
    pub name: String,
    limits: Limits,
    rate: Option<TenantLimiter>,
    quota: Option<Arc<Semaphore>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct Limits {
    rate_limit: Option<NonZeroU32>,
    max_concurrent: Option<NonZeroU32>,
}

/// What a tenant may not do now.
#[derive(Debug)]
pub enum Refusal {
    RateLimited(u32),
    Quota(u32),
}

impl Tenant {
    fn new(name: String, limits: Limits, burst: u32) -> Self {
        Self {
            name,
            limits,
            rate: limits.rate_limit.map(|n| TenantLimiter::new(n, burst)),
            quota: limits
                .max_concurrent
                .map(|n| Arc::new(Semaphore::new(n.get() as usize))),
        }
    }

    /// Takes `proofs` tokens from this tenant's limit.
    pub fn check_rate(&self, proofs: usize) -> Result<(), Refusal> {
        match &self.rate {
            Some(limiter) if !limiter.try_take(proofs) => {
                Err(Refusal::RateLimited(limiter.per_second()))
            }
            _ => Ok(()),
        }
    }

    /// Slots for `n` verifications at once, held until they finish.
    pub fn admit(&self, n: usize) -> Result<Option<tokio::sync::OwnedSemaphorePermit>, Refusal> {
        let (Some(quota), Some(max)) = (&self.quota, self.limits.max_concurrent) else {
            return Ok(None);
        };
        let n = u32::try_from(n).map_err(|_| Refusal::Quota(max.get()))?;
        quota
            .clone()
            .try_acquire_many_owned(n)
            .map(Some)
            .map_err(|_| Refusal::Quota(max.get()))
    }
}

/// The tenants file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    tenant: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(default)]
    keys: Vec<String>,
    /// Hex SHA-256 of keys, for files that should not hold the keys.
    #[serde(default)]
    key_sha256: Vec<String>,
    /// Proofs per second for all the tenant's keys together.
    rate_limit: Option<NonZeroU32>,
    /// Verifications running or queued at once for the tenant.
    max_concurrent: Option<NonZeroU32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TenantsError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

/// Who may call: on or off, and the tenant of each key digest.
struct Snapshot {
    by_key: HashMap<[u8; 32], Arc<Tenant>>,
    tenants: usize,
}

pub struct Tenants {
    current: RwLock<Arc<Snapshot>>,
    /// SHA-256 of the file as last read, good or not, so a bad file is
    /// reported once, not at every look.
    read_as: Mutex<Option<[u8; 32]>>,
    static_keys: Vec<[u8; 32]>,
    file: Option<PathBuf>,
    burst: u32,
}

impl Tenants {
    /// `keys` from the command line; `file` the tenants file, read now.
    /// With a file, keys are required even while it names no tenant.
    pub fn new(
        keys: &HashSet<String>,
        file: Option<&Path>,
        burst: u32,
    ) -> Result<Self, TenantsError> {
        let tenants = Self {
            current: RwLock::new(Arc::new(Snapshot {
                by_key: HashMap::new(),
                tenants: 0,
            })),
            read_as: Mutex::new(None),
            static_keys: keys.iter().map(|k| digest(k.as_bytes())).collect(),
            file: file.map(Path::to_owned),
            burst,
        };
        tenants.reload()?;
        Ok(tenants)
    }

    /// Reads the tenants file again; on an error, the tenants stay as they
    /// were. A tenant whose limits did not change keeps its bucket and its
    /// running verifications count against its quota.
    pub fn reload(&self) -> Result<usize, TenantsError> {
        match &self.file {
            Some(path) => self.apply(Some((path, read_bounded(path)))),
            None => self.apply(None),
        }
    }

    /// [`Self::reload`], but only when the file's content differs from what
    /// was last read (`None` otherwise): the file is read once either way.
    pub fn reload_if_changed(&self) -> Option<Result<usize, TenantsError>> {
        let path = self.file.as_ref()?;
        let text = read_bounded(path);
        let now = digest(text.as_ref().ok()?.as_bytes());
        if Some(now) == *self.read_as.lock().expect("tenants poisoned") {
            return None;
        }
        Some(self.apply(Some((path, text))))
    }

    fn apply(
        &self,
        file: Option<(&PathBuf, Result<String, String>)>,
    ) -> Result<usize, TenantsError> {
        let entries = match file {
            Some((path, text)) => {
                *self.read_as.lock().expect("tenants poisoned") =
                    text.as_ref().ok().map(|t| digest(t.as_bytes()));
                parse(path, text)?
            }
            None => Vec::new(),
        };
        let old = self.snapshot();
        let previous: HashMap<&str, &Arc<Tenant>> =
            old.by_key.values().map(|t| (t.name.as_str(), t)).collect();
        let mut by_key = HashMap::new();
        let reuse = |name: &str, limits: Limits| match previous.get(name) {
            Some(t) if t.limits == limits => (*t).clone(),
            _ => Arc::new(Tenant::new(name.to_owned(), limits, self.burst)),
        };
        if !self.static_keys.is_empty() {
            let default = reuse(DEFAULT_TENANT, Limits::default());
            for key in &self.static_keys {
                by_key.insert(*key, default.clone());
            }
        }
        let tenants = entries.len();
        for (limits, name, digests) in entries {
            let tenant = reuse(&name, limits);
            for key in digests {
                by_key.insert(key, tenant.clone());
            }
        }
        *self.current.write().expect("tenants poisoned") = Arc::new(Snapshot { by_key, tenants });
        Ok(tenants)
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().expect("tenants poisoned").clone()
    }

    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// With a file, keys are required even while it names no tenant.
    pub fn required(&self) -> bool {
        self.file.is_some() || !self.static_keys.is_empty()
    }

    pub fn count(&self) -> usize {
        self.snapshot().tenants
    }

    /// The caller's key: `Ok(None)` when keys are off, `Err(())` for a
    /// missing, oversized or unknown key.
    #[allow(clippy::result_unit_err)]
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Option<KeyDigest>, ()> {
        if !self.required() {
            return Ok(None);
        }
        let token = headers
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes())
            .filter(|v| v.len() <= "Bearer ".len() + MAX_KEY)
            .and_then(|v| v.strip_prefix(b"Bearer "))
            .ok_or(())?;
        let key = KeyDigest(digest(token));
        self.tenant(&key).map(|_| Some(key)).ok_or(())
    }

    /// The key's tenant now; `None` once a reload has removed the key.
    pub fn tenant(&self, key: &KeyDigest) -> Option<Arc<Tenant>> {
        self.snapshot().by_key.get(&key.0).cloned()
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

type Parsed = Vec<(Limits, String, Vec<[u8; 32]>)>;

/// Reads and checks a tenants file: at most [`MAX_FILE`] bytes and
/// [`MAX_TENANTS`] tenants, unique names of at most [`MAX_NAME`] letters,
/// digits, `-`, `_` and `.`, and keys of 1 to [`MAX_KEY`] visible ASCII
/// characters, each for one tenant only.
fn parse(path: &Path, text: Result<String, String>) -> Result<Parsed, TenantsError> {
    let fail = |message: String| TenantsError::File {
        path: path.display().to_string(),
        message,
    };
    let text = text.map_err(fail)?;
    let file: File = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
    if file.tenant.len() > MAX_TENANTS {
        return Err(fail(format!(
            "{} tenants exceeds the maximum {MAX_TENANTS}",
            file.tenant.len()
        )));
    }
    let mut names = HashSet::new();
    let mut seen = HashSet::new();
    let mut parsed = Vec::with_capacity(file.tenant.len());
    for (i, entry) in file.tenant.into_iter().enumerate() {
        let at = |message: String| fail(format!("tenant[{i}] ({}): {message}", entry.name));
        let name_ok = !entry.name.is_empty()
            && entry.name.len() <= MAX_NAME
            && entry
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !name_ok {
            return Err(at(format!(
                "a name is 1 to {MAX_NAME} letters, digits, '-', '_' or '.'"
            )));
        }
        if entry.name == DEFAULT_TENANT || !names.insert(entry.name.clone()) {
            return Err(at("the name is taken".to_owned()));
        }
        let mut digests = Vec::new();
        for key in &entry.keys {
            if !key_is_valid(key) {
                return Err(at(format!(
                    "a key is 1 to {MAX_KEY} visible ASCII characters"
                )));
            }
            digests.push(digest(key.as_bytes()));
        }
        for hashed in &entry.key_sha256 {
            let mut digest = [0; 32];
            hex::decode_to_slice(hashed, &mut digest)
                .map_err(|e| at(format!("key_sha256 {hashed:?}: {e}")))?;
            digests.push(digest);
        }
        if digests.is_empty() {
            return Err(at("no keys or key_sha256".to_owned()));
        }
        if let Some(twice) = digests.iter().find(|d| !seen.insert(**d)) {
            return Err(at(format!(
                "a key (sha256 {}) is listed twice",
                hex::encode(twice)
            )));
        }
        let limits = Limits {
            rate_limit: entry.rate_limit,
            max_concurrent: entry.max_concurrent,
        };
        parsed.push((limits, entry.name, digests));
    }
    Ok(parsed)
}

/// Whether `key` can be presented: 1 to [`MAX_KEY`] visible ASCII characters
/// (a longer `Authorization` header is refused unread).
pub fn key_is_valid(key: &str) -> bool {
    (1..=MAX_KEY).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

fn read_bounded(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut text = String::new();
    file.take(MAX_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_FILE {
        return Err(format!("larger than {MAX_FILE} bytes"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn bearer(key: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {key}")).unwrap(),
        );
        headers
    }

    fn file(text: &str) -> tempfile_path::TempPath {
        tempfile_path::write(text)
    }

    /// A file in the temporary directory, removed when dropped.
    mod tempfile_path {
        use std::path::PathBuf;
        use std::sync::atomic::{AtomicU32, Ordering};

        pub struct TempPath(pub PathBuf);

        impl Drop for TempPath {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }

        pub fn write(text: &str) -> TempPath {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let path = std::env::temp_dir().join(format!(
                "ligerito-tenants-{}-{}.toml",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, text).unwrap();
            TempPath(path)
        }
    }

    /// The tenant `key` names now, through the headers a caller sends.
    fn tenant_of(tenants: &Tenants, key: &str) -> Result<Option<Arc<Tenant>>, ()> {
        let key = tenants.authenticate(&bearer(key))?;
        Ok(key.map(|k| tenants.tenant(&k).expect("authenticated just now")))
    }

    fn name(tenants: &Tenants, key: &str) -> Option<String> {
        tenant_of(tenants, key)
            .ok()
            .flatten()
            .map(|t| t.name.clone())
    }

    #[test]
    fn keys_map_to_their_tenants_and_reload_keeps_unchanged_state() {
        let path = file(
            r#"
            [[tenant]]
            name = "acme"
            keys = ["acme-1", "acme-2"]
            rate_limit = 5
            [[tenant]]
            name = "globex"
            key_sha256 = ["3b4ac6d3d7d59e46eb3e04a1a1d17ab2b3b1b05a1a8d0e2e15bd6b4b6ce4d3f1"]
            max_concurrent = 1
            "#,
        );
        let keys: HashSet<String> = ["cli-key".to_owned()].into();
        let tenants = Tenants::new(&keys, Some(&path.0), 16).unwrap();
        assert_eq!(tenants.count(), 2);
        assert_eq!(name(&tenants, "acme-2").as_deref(), Some("acme"));
        assert_eq!(name(&tenants, "cli-key").as_deref(), Some(DEFAULT_TENANT));
        assert!(tenant_of(&tenants, "nope").is_err());
        assert!(tenants.authenticate(&HeaderMap::new()).is_err());
        assert!(tenant_of(&tenants, &"k".repeat(MAX_KEY + 1)).is_err());

        let acme = tenant_of(&tenants, "acme-1").unwrap().unwrap();
        let permit = tenant_of(&tenants, "cli-key")
            .unwrap()
            .unwrap()
            .admit(100)
            .unwrap();
        assert!(permit.is_none(), "the default tenant has no quota");
        tenants.reload().unwrap();
        let again = tenant_of(&tenants, "acme-1").unwrap().unwrap();
        assert!(Arc::ptr_eq(&acme, &again), "unchanged: same bucket");

        std::fs::write(
            &path.0,
            "[[tenant]]\nname = \"acme\"\nkeys = [\"acme-1\"]\nrate_limit = 6\n",
        )
        .unwrap();
        assert_eq!(tenants.reload(), Ok(1));
        let changed = tenant_of(&tenants, "acme-1").unwrap().unwrap();
        assert!(!Arc::ptr_eq(&acme, &changed));
        assert!(tenant_of(&tenants, "acme-2").is_err(), "removed");

        std::fs::write(&path.0, "[[tenant]]\nname = 5\n").unwrap();
        assert!(tenants.reload().is_err());
        assert_eq!(name(&tenants, "acme-1").as_deref(), Some("acme"), "kept");
    }

    #[test]
    fn a_file_with_no_tenants_still_requires_a_key() {
        let path = file("");
        let tenants = Tenants::new(&HashSet::new(), Some(&path.0), 16).unwrap();
        assert!(tenants.required());
        assert!(tenants.authenticate(&HeaderMap::new()).is_err());
        let open = Tenants::new(&HashSet::new(), None, 16).unwrap();
        assert!(matches!(open.authenticate(&HeaderMap::new()), Ok(None)));
    }

    #[test]
    fn quotas_and_rates_are_per_tenant() {
        let path = file(
            "[[tenant]]\nname = \"a\"\nkeys = [\"a\"]\nmax_concurrent = 2\nrate_limit = 1\n\
             [[tenant]]\nname = \"b\"\nkeys = [\"b\"]\nmax_concurrent = 2\n",
        );
        let tenants = Tenants::new(&HashSet::new(), Some(&path.0), 3).unwrap();
        let a = tenant_of(&tenants, "a").unwrap().unwrap();
        let b = tenant_of(&tenants, "b").unwrap().unwrap();
        let held = a.admit(2).unwrap();
        assert!(matches!(a.admit(1), Err(Refusal::Quota(2))));
        assert!(b.admit(2).unwrap().is_some());
        drop(held);
        assert!(a.admit(1).is_ok());
        assert!(a.check_rate(3).is_ok());
        assert!(matches!(a.check_rate(1), Err(Refusal::RateLimited(1))));
        assert!(b.check_rate(1000).is_ok());
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        for (text, expected) in [
            ("[[tenant]]\nname = \"a b\"\nkeys = [\"k\"]\n", "a name is"),
            ("[[tenant]]\nname = \"default\"\nkeys = [\"k\"]\n", "the name is taken"),
            (
                "[[tenant]]\nname = \"a\"\nkeys = [\"k\"]\n[[tenant]]\nname = \"a\"\nkeys = [\"j\"]\n",
                "the name is taken",
            ),
            ("[[tenant]]\nname = \"a\"\n", "no keys"),
            ("[[tenant]]\nname = \"a\"\nkeys = [\"has space\"]\n", "visible ASCII"),
            (
                "[[tenant]]\nname = \"a\"\nkeys = [\"k\"]\n[[tenant]]\nname = \"b\"\nkeys = [\"k\"]\n",
                "listed twice",
            ),
            ("[[tenant]]\nname = \"a\"\nkey_sha256 = [\"zz\"]\n", "key_sha256"),
            ("[[tenant]]\nname = \"a\"\nkeys = [\"k\"]\nrate_limit = 0\n", "rate_limit"),
            ("[[tenant]]\nname = \"a\"\nkeys = [\"k\"]\nburst = 3\n", "unknown field"),
            ("not toml", "line 1"),
        ] {
            let path = file(text);
            let error = Tenants::new(&HashSet::new(), Some(&path.0), 16)
                .err()
                .unwrap_or_else(|| panic!("{text:?} was accepted"))
                .to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
        let path = file(&" ".repeat(MAX_FILE as usize + 1));
        let error = Tenants::new(&HashSet::new(), Some(&path.0), 16)
            .err()
            .unwrap();
        assert!(error.to_string().contains("larger than"), "{error}");
        let error = Tenants::new(&HashSet::new(), Some(Path::new("/nonexistent/t.toml")), 16)
            .err()
            .unwrap();
        assert!(error.to_string().contains("/nonexistent/t.toml"), "{error}");
    }
}
