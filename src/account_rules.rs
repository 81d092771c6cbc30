//! What makes an email and a password acceptable for an account: the same rules for the
//! account routes and for the admin account the settings name.

/// Checks an email the way every account route does; returns it lower-cased.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}

/// At least 8 characters, and at most 72 bytes: bcrypt reads no more, and a longer password
/// would be silently truncated.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        Err("the password must be at least 8 characters long".into())
    } else if password.len() > 72 {
        Err("the password must be at most 72 bytes long (bcrypt's limit)".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(normalize_email(" Ann@Example.COM "), Some("ann@example.com".into()));
        for bad in ["ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@example.com."] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn passwords_are_between_8_characters_and_72_bytes() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"é".repeat(36)).is_ok());
        assert!(check_password(&"é".repeat(37)).unwrap_err().contains("72 bytes"));
    }
}
