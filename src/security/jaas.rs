//! Kafka's `sasl.jaas.config` value: `LoginModule flag key="value" ... ;`. Kafka
//! reads the broker's own credentials (`username`, `password`, used between
//! brokers) and PLAIN's users (`user_<name>="<password>"`) from it. Pure; values
//! are secrets and never printed.

use std::collections::BTreeMap;

#[derive(Clone, PartialEq, Eq)]
pub struct JaasConfig {
    pub module: String,
    options: BTreeMap<String, String>,
}

impl std::fmt::Debug for JaasConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JaasConfig")
            .field("module", &self.module)
            .field("options", &self.options.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl JaasConfig {
    pub fn parse(text: &str) -> Result<JaasConfig, String> {
        let mut chars = text.trim().chars().peekable();
        let word = |chars: &mut std::iter::Peekable<std::str::Chars>| {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '=' || c == ';' {
                    break;
                }
                w.push(c);
                chars.next();
            }
            w
        };
        let module = word(&mut chars);
        let flag = word(&mut chars);
        if module.is_empty()
            || !["required", "requisite", "sufficient", "optional"].contains(&flag.as_str())
        {
            return Err("expected 'LoginModule required key=\"value\" ... ;'".into());
        }
        let mut options = BTreeMap::new();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek() {
                Some(';') => {
                    chars.next();
                    break;
                }
                None => return Err("the configuration must end with ';'".into()),
                _ => {}
            }
            let key = word(&mut chars);
            if key.is_empty() || chars.next() != Some('=') {
                return Err("expected key=\"value\"".into());
            }
            let value = if chars.peek() == Some(&'"') {
                chars.next();
                let mut v = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => match chars.next() {
                            Some(c) => v.push(c),
                            None => return Err("unterminated quoted value".into()),
                        },
                        Some('"') => break,
                        Some(c) => v.push(c),
                        None => return Err("unterminated quoted value".into()),
                    }
                }
                v
            } else {
                word(&mut chars)
            };
            options.insert(key, value);
        }
        if chars.any(|c| !c.is_whitespace()) {
            return Err("only one login module is supported".into());
        }
        Ok(JaasConfig { module, options })
    }

    /// This broker's own user (between brokers).
    pub fn username(&self) -> Option<&str> {
        self.options.get("username").map(String::as_str)
    }

    pub fn password(&self) -> Option<&str> {
        self.options.get("password").map(String::as_str)
    }

    /// PLAIN's `user_<name>="<password>"` entries.
    pub fn users(&self) -> impl Iterator<Item = (&str, &str)> {
        self.options
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("user_").map(|name| (name, v.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafkas_examples_parse() {
        let j = JaasConfig::parse(
            r#"org.apache.kafka.common.security.plain.PlainLoginModule required
               username="admin" password="admin-secret" user_admin="admin-secret" user_alice="a\"b";"#,
        )
        .unwrap();
        assert_eq!(j.username(), Some("admin"));
        assert_eq!(j.password(), Some("admin-secret"));
        let users: Vec<(&str, &str)> = j.users().collect();
        assert_eq!(users, [("admin", "admin-secret"), ("alice", "a\"b")]);
        assert!(!format!("{j:?}").contains("secret"));
        let j = JaasConfig::parse(
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=admin password=pw;",
        )
        .unwrap();
        assert_eq!(j.password(), Some("pw"));
        for bad in [
            "",
            "Module",
            "Module required username=\"a\"",
            "Module maybe username=\"a\";",
            "Module required username=\"a;",
            "Module required = ;",
            "Module required a=\"1\"; Other required b=\"2\";",
        ] {
            assert!(JaasConfig::parse(bad).is_err(), "{bad}");
        }
    }
}
