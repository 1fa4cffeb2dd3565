-- The identity of this joulesweep database: one row, written once. Every result will
-- name the installation it was stored in, so merged exports keep their provenance.
CREATE TABLE installation (
    singleton       boolean     PRIMARY KEY DEFAULT true,
    installation_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL,  -- joulesweep version and git revision
    CONSTRAINT installation_is_one_row CHECK (singleton)
);

INSERT INTO installation (created_by) VALUES (current_setting('joulesweep.software'));
