//! Access key / secret key pairs and key stores for servers.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// An access key (AK) and its secret key (SK).
///
/// `Debug` shows only the first four characters of the AK and never the SK; there is no
/// `Display`. The SK can only be used for signing inside this crate.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    ak: String,
    sk: String,
}

impl Credentials {
    /// Pairs an access key with its secret key.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            ak: ak.into(),
            sk: sk.into(),
        }
    }

    /// The access key (it is sent in clear in every `Authorization` header).
    pub fn access_key(&self) -> &str {
        &self.ak
    }

    /// The access key with all but its first four characters masked, for logs.
    pub fn masked_access_key(&self) -> String {
        mask(&self.ak)
    }

    pub(crate) fn secret_key(&self) -> &[u8] {
        self.sk.as_bytes()
    }

    /// True when either the AK or the SK is empty.
    pub fn is_empty(&self) -> bool {
        self.ak.is_empty() || self.sk.is_empty()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ak", &mask(&self.ak))
            .field("sk", &"***")
            .finish()
    }
}

/// Masks an access key for display: the first four characters, then `***`.
pub(crate) fn mask(ak: &str) -> String {
    if ak.chars().count() <= 8 {
        return "***".to_owned();
    }
    let head: String = ak.chars().take(4).collect();
    format!("{head}***")
}

/// Where a verifying server finds the secret key of an access key.
pub trait KeyLookup {
    /// The credentials whose access key is `ak`, if it is known.
    fn lookup(&self, ak: &str) -> Option<&Credentials>;
}

impl KeyLookup for Credentials {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        (self.ak == ak && !self.is_empty()).then_some(self)
    }
}

impl KeyLookup for [Credentials] {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        self.iter().find(|c| c.ak == ak && !c.is_empty())
    }
}

impl KeyLookup for Vec<Credentials> {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        self.as_slice().lookup(ak)
    }
}

impl<S: std::hash::BuildHasher> KeyLookup for HashMap<String, Credentials, S> {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        self.get(ak).filter(|c| c.ak == ak && !c.is_empty())
    }
}

impl KeyLookup for BTreeMap<String, Credentials> {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        self.get(ak).filter(|c| c.ak == ak && !c.is_empty())
    }
}

impl<T: KeyLookup + ?Sized> KeyLookup for &T {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        (**self).lookup(ak)
    }
}

impl<T: KeyLookup + ?Sized> KeyLookup for std::sync::Arc<T> {
    fn lookup(&self, ak: &str) -> Option<&Credentials> {
        (**self).lookup(ak)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::new(
            "FAKEAK0000000000EXMP",
            "FAKEsk0000000000000000000000000000000000",
        );
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("FAKEsk"));
        assert!(!shown.contains("FAKEAK0000000000EXMP"));
        assert!(shown.contains("FAKE***"));
        assert_eq!(Credentials::new("short", "x").masked_access_key(), "***");
    }

    #[test]
    fn lookups() {
        let a = Credentials::new("AK1", "SK1");
        let b = Credentials::new("AK2", "SK2");
        let list = vec![a.clone(), b.clone()];
        assert_eq!(list.lookup("AK2"), Some(&b));
        assert_eq!(list.lookup("AK3"), None);
        let map: HashMap<String, Credentials> = list
            .iter()
            .map(|c| (c.access_key().to_owned(), c.clone()))
            .collect();
        assert_eq!(map.lookup("AK1"), Some(&a));
        assert_eq!(a.lookup("AK1"), Some(&a));
        assert_eq!(Credentials::new("AK1", "").lookup("AK1"), None);
    }
}
