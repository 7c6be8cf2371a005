//! The configuration, read as Arcade's Python server reads it, and the errors a bad
//! one gives at start (naming the variable and what is wrong).

use arcade_tdk::serve::auth::{
    AUTHORIZATION_SERVERS_ENV, CANONICAL_URL_ENV, FrontDoor, ResourceServerConfig,
};

fn read(vars: &[(&str, &str)]) -> Result<Option<ResourceServerConfig>, String> {
    ResourceServerConfig::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
    .map_err(|e| e.to_string())
}

const ENTRY: &str = r#"{"authorization_server_url": "https://auth.example.com", "issuer": "https://auth.example.com", "jwks_uri": "https://auth.example.com/jwks"}"#;

#[test]
fn a_python_env_reads_with_the_same_defaults() {
    let servers = format!(
        r#"[{ENTRY}, {{"authorization_server_url": "https://cloud.arcade.dev/oauth2", "issuer": "https://cloud.arcade.dev/oauth2",
             "jwks_uri": "https://cloud.arcade.dev/.well-known/jwks/oauth2", "algorithm": "Ed25519",
             "expected_audiences": ["urn:arcade:mcp"],
             "validation_options": {{"verify_iat": false, "leeway": 30, "verify_aud": false}}}}]"#
    );
    let config = read(&[
        (CANONICAL_URL_ENV, "http://127.0.0.1:8000/mcp"),
        (AUTHORIZATION_SERVERS_ENV, &servers),
        ("MCP_RESOURCE_SERVER_SCOPES_SUPPORTED", "mcp:tools  read"),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(config.canonical_url, "http://127.0.0.1:8000/mcp");
    assert_eq!(config.scopes_supported, ["mcp:tools", "read"]);
    assert!(!config.share_developer_tokens);
    let [first, second] = &config.authorization_servers[..] else {
        panic!("two entries")
    };
    assert_eq!(first.algorithm, "RS256");
    assert!(
        first.expected_audiences.is_empty(),
        "defaults to the canonical URL"
    );
    assert!(first.validation_options.verify_exp && first.validation_options.verify_iss);
    assert_eq!(first.validation_options.leeway, 0);
    assert_eq!(second.algorithm, "Ed25519");
    assert_eq!(second.expected_audiences, ["urn:arcade:mcp"]);
    assert!(!second.validation_options.verify_iat);
    assert_eq!(second.validation_options.leeway, 30);
    assert!(FrontDoor::new(config).is_ok());
    // Neither variable: the front door is off.
    assert_eq!(read(&[]), Ok(None));
}

/// Variables, the setting the error must name, and what it must say.
type Case<'a> = (Vec<(&'a str, String)>, &'a str, &'a str);

#[test]
fn bad_configurations_name_the_variable_and_the_problem() {
    let url = (CANONICAL_URL_ENV, "https://mcp.example.com/mcp");
    let servers = |json: &str| (AUTHORIZATION_SERVERS_ENV, json.to_owned());
    let cases: Vec<Case<'_>> = vec![
        (
            vec![(url.0, url.1.into())],
            AUTHORIZATION_SERVERS_ENV,
            "not set",
        ),
        (
            vec![servers(&format!("[{ENTRY}]"))],
            CANONICAL_URL_ENV,
            "not set",
        ),
        (
            vec![(url.0, url.1.into()), servers("{not json")],
            AUTHORIZATION_SERVERS_ENV,
            "not valid JSON",
        ),
        (
            vec![(url.0, url.1.into()), servers(ENTRY)],
            AUTHORIZATION_SERVERS_ENV,
            "JSON array",
        ),
        (
            vec![(url.0, url.1.into()), servers("[]")],
            AUTHORIZATION_SERVERS_ENV,
            "no authorization server",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(r#"[{"authorization_server_url": "https://a", "issuer": "https://a"}]"#),
            ],
            "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS[0].jwks_uri",
            "missing",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(&format!(
                    "[{}]",
                    ENTRY.replace("}", r#", "algorithm": "HS256"}"#)
                )),
            ],
            "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS[0].algorithm",
            "not a supported asymmetric algorithm",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(&format!(
                    "[{}]",
                    ENTRY.replace("}", r#", "validation_options": {"leeway": "soon"}}"#)
                )),
            ],
            "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS[0].validation_options.leeway",
            "number of seconds",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(&format!(
                    "[{}]",
                    ENTRY.replace("https://auth.example.com/jwks", "ftp://x/jwks")
                )),
            ],
            "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS[0].jwks_uri",
            "not an http(s) URL",
        ),
        (
            vec![
                (CANONICAL_URL_ENV, "mcp.example.com/mcp".into()),
                servers(&format!("[{ENTRY}]")),
            ],
            CANONICAL_URL_ENV,
            "not an absolute URL",
        ),
        (
            vec![
                (CANONICAL_URL_ENV, "http://mcp.example.com/mcp".into()),
                servers(&format!("[{ENTRY}]")),
            ],
            CANONICAL_URL_ENV,
            "use https",
        ),
        (
            vec![
                (CANONICAL_URL_ENV, "https://mcp.example.com/mcp#x".into()),
                servers(&format!("[{ENTRY}]")),
            ],
            CANONICAL_URL_ENV,
            "fragment",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(&format!("[{ENTRY}]")),
                ("MCP_RESOURCE_SERVER_SHARE_DEVELOPER_TOKENS", "maybe".into()),
            ],
            "MCP_RESOURCE_SERVER_SHARE_DEVELOPER_TOKENS",
            "must be",
        ),
        (
            vec![
                (url.0, url.1.into()),
                servers(&format!("[{ENTRY}]")),
                (
                    "MCP_RESOURCE_SERVER_REQUIRED_SCOPES",
                    "ok bad\"scope".into(),
                ),
            ],
            "MCP_RESOURCE_SERVER_REQUIRED_SCOPES",
            "is not a scope",
        ),
    ];
    for (vars, setting, problem) in cases {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = read(&vars).expect_err(setting);
        assert!(
            err.starts_with(&format!("front-door auth: {setting}: ")),
            "{err}"
        );
        assert!(err.contains(problem), "expected '{problem}' in: {err}");
    }
}
