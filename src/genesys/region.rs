//! Where an org lives: Genesys region names (as the Platform SDKs spell them) to domains,
//! and the API/login base URLs, with the test overrides kept to loopback when not https.

use super::error::GenesysError;

/// Region names of the Platform SDKs' `PureCloudRegionHosts` enum and their domains.
///
/// Source: MyPureCloud/platform-client-sdk-dotnet `PureCloudRegionHosts` (17 entries,
/// `https://api.{domain}`), cross-checked against the Java and Python SDK region docs.
pub const REGIONS: &[(&str, &str)] = &[
    ("us_east_1", "mypurecloud.com"),
    ("eu_west_1", "mypurecloud.ie"),
    ("ap_southeast_2", "mypurecloud.com.au"),
    ("ap_northeast_1", "mypurecloud.jp"),
    ("eu_central_1", "mypurecloud.de"),
    ("us_west_2", "usw2.pure.cloud"),
    ("ca_central_1", "cac1.pure.cloud"),
    ("ap_northeast_2", "apne2.pure.cloud"),
    ("eu_west_2", "euw2.pure.cloud"),
    ("ap_south_1", "aps1.pure.cloud"),
    ("us_east_2", "use2.us-gov-pure.cloud"),
    ("sa_east_1", "sae1.pure.cloud"),
    ("me_central_1", "mec1.pure.cloud"),
    ("ap_northeast_3", "apne3.pure.cloud"),
    ("eu_central_2", "euc2.pure.cloud"),
    ("mx_central_1", "mxc1.pure.cloud"),
    ("ap_southeast_1", "apse1.pure.cloud"),
];

/// The base URLs every request is built on (scheme and authority, no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// `https://api.{domain}` or the `GENESYS_API_BASE` override.
    pub api_base: String,
    /// `https://login.{domain}` or the `GENESYS_LOGIN_BASE` override.
    pub login_base: String,
}

/// Resolve a region name (`eu_west_1`, also `eu-west-1`) or a domain (`mypurecloud.ie`).
pub fn domain_for(value: &str) -> Result<String, GenesysError> {
    let v = value.trim().to_ascii_lowercase();
    let as_name = v.replace('-', "_");
    if let Some((_, domain)) = REGIONS.iter().find(|(name, _)| *name == as_name) {
        return Ok((*domain).to_string());
    }
    if v.contains("://") || v.starts_with("api.") || v.starts_with("login.") {
        return Err(GenesysError::config(
            format!("GENESYS_REGION `{value}` must be a region name or a bare domain"),
            "use e.g. `eu_west_1` or `mypurecloud.ie` (no scheme, no `api.`/`login.` prefix)",
        ));
    }
    if v.contains('.') && is_hostname(&v) {
        return Ok(v);
    }
    Err(GenesysError::config(
        format!("unknown Genesys region `{value}`"),
        format!(
            "valid region names: {}; or give the org's domain, e.g. `mypurecloud.ie`",
            REGIONS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Check an override base URL: `https://host[:port]`, or `http://` for loopback only.
/// Returns it without a trailing slash.
pub fn check_base(var: &str, value: &str) -> Result<String, GenesysError> {
    let v = value.trim().trim_end_matches('/');
    let (scheme, rest) = v.split_once("://").ok_or_else(|| {
        GenesysError::config(
            format!("{var} `{value}` is not a URL"),
            "give a base URL such as `https://api.mypurecloud.ie`",
        )
    })?;
    if rest.is_empty() || rest.contains('/') || rest.contains('?') || rest.contains('@') {
        return Err(GenesysError::config(
            format!("{var} `{value}` must be a scheme and host only"),
            "give a base URL such as `https://api.mypurecloud.ie` (no path, no credentials)",
        ));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(v.to_string()),
        "http" if is_loopback(host_of(rest)) => Ok(v.to_string()),
        "http" => Err(GenesysError::config(
            format!("{var} `{value}` uses plain http to a host that is not loopback"),
            "plain http is allowed only for 127.0.0.0/8, ::1 and localhost (tests); use https",
        )),
        _ => Err(GenesysError::config(
            format!("{var} `{value}` has an unsupported scheme `{scheme}`"),
            "use https (or http to a loopback address for tests)",
        )),
    }
}

/// The host of an authority (`host`, `host:port`, `[::1]:port`).
pub(crate) fn host_of(authority: &str) -> &str {
    if let Some(inner) = authority.strip_prefix('[') {
        return inner.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// Work out the hosts from the environment values (already read).
pub fn resolve(
    region: Option<&str>,
    domain: Option<&str>,
    api_base: Option<&str>,
    login_base: Option<&str>,
) -> Result<Hosts, GenesysError> {
    let region_domain = match (region, domain) {
        (Some(r), Some(d)) => {
            let (a, b) = (domain_for(r)?, domain_for(d)?);
            if a != b {
                return Err(GenesysError::config(
                    format!("GENESYS_REGION `{r}` ({a}) and GENESYS_DOMAIN `{d}` ({b}) disagree"),
                    "set only one of them",
                ));
            }
            Some(a)
        }
        (Some(v), None) | (None, Some(v)) => Some(domain_for(v)?),
        (None, None) => None,
    };
    let api = match (api_base, &region_domain) {
        (Some(b), _) => check_base("GENESYS_API_BASE", b)?,
        (None, Some(d)) => format!("https://api.{d}"),
        (None, None) => return Err(missing_region()),
    };
    let login = match (login_base, &region_domain) {
        (Some(b), _) => check_base("GENESYS_LOGIN_BASE", b)?,
        (None, Some(d)) => format!("https://login.{d}"),
        (None, None) => {
            return Err(GenesysError::config(
                "GENESYS_API_BASE is set but the login host is unknown",
                "set GENESYS_REGION too, or GENESYS_LOGIN_BASE",
            ));
        }
    };
    Ok(Hosts {
        api_base: api,
        login_base: login,
    })
}

fn missing_region() -> GenesysError {
    GenesysError::config(
        "GENESYS_REGION is not set",
        format!(
            "set GENESYS_REGION to the org's region ({}) or its domain, e.g. `mypurecloud.ie`",
            REGIONS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_and_domains() {
        assert_eq!(domain_for("eu_west_1").unwrap(), "mypurecloud.ie");
        assert_eq!(domain_for("EU-WEST-1").unwrap(), "mypurecloud.ie");
        assert_eq!(domain_for("us_east_2").unwrap(), "use2.us-gov-pure.cloud");
        assert_eq!(domain_for("mypurecloud.ie").unwrap(), "mypurecloud.ie");
        assert_eq!(REGIONS.len(), 17);
    }

    #[test]
    fn unknown_region_lists_the_valid_names() {
        let e = domain_for("eu_west_9").unwrap_err();
        let GenesysError::Config { message, help } = e else {
            panic!("wrong variant")
        };
        assert!(message.contains("eu_west_9"));
        let help = help.unwrap_or_default();
        assert!(help.contains("ap_southeast_1") && help.contains("us_east_1"));
    }

    #[test]
    fn urls_are_refused_as_regions() {
        assert!(domain_for("https://api.mypurecloud.ie").is_err());
        assert!(domain_for("api.mypurecloud.ie").is_err());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_base("X", "http://127.0.0.1:8080").is_ok());
        assert!(check_base("X", "http://127.9.9.9").is_ok());
        assert!(check_base("X", "http://[::1]:9/").is_ok());
        assert!(check_base("X", "http://localhost:1").is_ok());
        assert!(check_base("X", "http://10.0.0.1").is_err());
        assert!(check_base("X", "http://example.com").is_err());
        assert!(check_base("X", "https://example.com/").is_ok());
        assert!(check_base("X", "https://example.com/path").is_err());
        assert!(check_base("X", "ftp://127.0.0.1").is_err());
    }

    #[test]
    fn resolve_builds_hosts() {
        let h = resolve(Some("eu_west_1"), None, None, None).unwrap();
        assert_eq!(h.api_base, "https://api.mypurecloud.ie");
        assert_eq!(h.login_base, "https://login.mypurecloud.ie");
        assert!(resolve(None, None, None, None).is_err());
        assert!(resolve(None, None, Some("http://127.0.0.1:1"), None).is_err());
        assert!(resolve(Some("eu_west_1"), Some("mypurecloud.de"), None, None).is_err());
        let h = resolve(
            None,
            None,
            Some("http://127.0.0.1:1"),
            Some("http://127.0.0.1:2/"),
        )
        .unwrap();
        assert_eq!(h.login_base, "http://127.0.0.1:2");
    }
}
