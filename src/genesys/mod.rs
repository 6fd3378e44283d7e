//! The Genesys Cloud Platform API client: OAuth client credentials, retries, rate limits.
