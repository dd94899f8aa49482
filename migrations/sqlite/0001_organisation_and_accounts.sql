-- Organisation (tenants, contracts, locations, mappings) and accounts (users, roles, sessions,
-- password history, identity audit). Kept equivalent to migrations/postgres by a test.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    parent_id   TEXT REFERENCES tenants (id),
    created_at  DATETIME NOT NULL
);
CREATE INDEX tenants_parent_idx ON tenants (parent_id);

CREATE TABLE tenant_domains (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    domain    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, domain)
);

CREATE TABLE contracts (
    id             TEXT PRIMARY KEY,
    lot            INTEGER NOT NULL,
    description    TEXT NOT NULL,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    lifetime_start DATE NOT NULL,
    lifetime_end   DATE NOT NULL
);
CREATE INDEX contracts_tenant_idx ON contracts (tenant_id);

CREATE TABLE locations (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    location_type    TEXT NOT NULL,
    gender_provision TEXT NOT NULL,
    contract_id      TEXT REFERENCES contracts (id),
    parent_id        INTEGER REFERENCES locations (id),
    lifetime_start   DATE NOT NULL,
    lifetime_end     DATE NOT NULL
);
CREATE INDEX locations_contract_idx ON locations (contract_id);
CREATE INDEX locations_parent_idx ON locations (parent_id);

CREATE TABLE location_tenants (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (location_id, tenant_id)
);
CREATE INDEX location_tenants_tenant_idx ON location_tenants (tenant_id);

CREATE TABLE location_mappings (
    code        TEXT NOT NULL,
    code_type   TEXT NOT NULL,
    description TEXT NOT NULL,
    region      TEXT,
    location_id INTEGER REFERENCES locations (id),
    PRIMARY KEY (code, code_type)
);
CREATE INDEX location_mappings_location_idx ON location_mappings (location_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    email                TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id),
    status               TEXT NOT NULL,
    superior_id          INTEGER REFERENCES users (id),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    failed_attempts      INTEGER NOT NULL,
    locked_at            DATETIME,
    lock_reason          TEXT,
    last_login_at        DATETIME,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_tenant_idx ON users (tenant_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE password_history (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX password_history_user_idx ON password_history (user_id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    csrf_token     TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    last_seen_at   DATETIME NOT NULL,
    ip             TEXT,
    user_agent     TEXT,
    revoked_at     DATETIME,
    revoked_reason TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE identity_audit (
    id          INTEGER PRIMARY KEY,
    occurred_at DATETIME NOT NULL,
    event       TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    email       TEXT,
    actor_id    INTEGER REFERENCES users (id),
    ip          TEXT,
    detail      TEXT
);
CREATE INDEX identity_audit_user_idx ON identity_audit (user_id, occurred_at);
CREATE INDEX identity_audit_time_idx ON identity_audit (occurred_at);
