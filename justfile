# Engify developer tasks. `just` lists them.

_default:
    @just --list

# Run every test (the README's test command)
test:
    cargo test --workspace

# Run the domain crate's tests only (fast: no database, no network)
test-domain:
    cargo test -p domain

# Format the code
fmt:
    cargo fmt --all

# The lints CI enforces
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    bash .ci/domain-purity
    bash .ci/unused-deps
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

# Validate deploy/ offline: Kubernetes manifests (strict schemas), compose file, configs, Dockerfile
deploy-check:
    bash .ci/validate-deploy

# The whole CI script, as CI runs it on a clean clone
ci:
    bash .ci/run

# API documentation of the workspace, opened in a browser
doc:
    cargo doc --workspace --no-deps --open

# The load benchmark against the machine's PostgreSQL and Redis (docs/performance.md):
# release build, then every scenario and its limit in one run
bench *ARGS:
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/engify-release}" cargo build --release -p app -p bench
    "${CARGO_TARGET_DIR:-$HOME/.cache/engify-release}/release/bench" {{ARGS}}

# Fuzz the API from its OpenAPI document (schemathesis, a fresh local instance, as an admin and a student)
fuzz:
    bash .ci/schemathesis
