-- The experiment queue: what to train (experiment), each repetition to run and its
-- state (run), who is running it (coordinator), and what came back (result, energy).
-- Status values and invariants are named constraints; the claim path has its own
-- partial index so claiming stays fast with millions of finished runs.

-- One row per distinct training configuration. experiment_key is the canonical text of
-- the configuration (what makes two experiments the same); config holds it as jsonb.
CREATE TABLE experiment (
    experiment_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_key      text             NOT NULL,
    dataset             text             NOT NULL,
    shape               text             NOT NULL,
    depth               integer          NOT NULL,  -- Dense layers including the output layer
    size                bigint           NOT NULL,  -- target trainable parameter count
    learning_rate       double precision NOT NULL,
    batch_size          integer          NOT NULL,
    optimizer           text             NOT NULL,
    momentum            double precision NOT NULL DEFAULT 0,
    l1                  double precision NOT NULL DEFAULT 0,  -- kernel penalty weights
    l2                  double precision NOT NULL DEFAULT 0,
    label_noise         double precision NOT NULL DEFAULT 0,  -- fraction of training labels corrupted
    epochs              integer          NOT NULL,
    test_fraction       double precision NOT NULL DEFAULT 0.2,
    validation_fraction double precision NOT NULL DEFAULT 0,
    backend             text             NOT NULL DEFAULT 'auto',
    config              jsonb            NOT NULL,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT experiment_key_unique UNIQUE (experiment_key),
    CONSTRAINT experiment_shape_known CHECK (shape IN ('rectangle', 'trapezoid', 'exponential',
        'wide_first_2x', 'wide_first_4x', 'wide_first_8x', 'wide_first_16x', 'rectangle_residual')),
    CONSTRAINT experiment_optimizer_known CHECK (optimizer IN ('adam', 'rmsprop', 'sgd')),
    CONSTRAINT experiment_backend_known CHECK (backend IN ('auto', 'eigen', 'onednn')),
    CONSTRAINT experiment_depth_positive CHECK (depth >= 2),
    CONSTRAINT experiment_size_positive CHECK (size > 0),
    CONSTRAINT experiment_learning_rate_positive CHECK (learning_rate > 0),
    CONSTRAINT experiment_batch_size_positive CHECK (batch_size > 0),
    CONSTRAINT experiment_epochs_positive CHECK (epochs > 0),
    CONSTRAINT experiment_penalties_non_negative CHECK (l1 >= 0 AND l2 >= 0 AND momentum >= 0),
    CONSTRAINT experiment_fractions_valid CHECK (label_noise >= 0 AND label_noise < 1
        AND test_fraction > 0 AND validation_fraction >= 0 AND test_fraction + validation_fraction < 1)
);
CREATE INDEX experiment_dataset ON experiment (dataset);

-- Sweep labels ("batch" in BUTTER): an experiment can belong to several sweeps.
CREATE TABLE experiment_label (
    experiment_id bigint NOT NULL REFERENCES experiment (experiment_id),
    label         text   NOT NULL,
    PRIMARY KEY (experiment_id, label)
);
CREATE INDEX experiment_label_by_label ON experiment_label (label);

-- One row per coordinator (MPI rank 0 of one Slurm job): its lease is heartbeat_at.
CREATE TABLE coordinator (
    coordinator_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slurm_job_id   text,
    host           text        NOT NULL,
    pid            integer     NOT NULL,
    worker_count   integer     NOT NULL,
    software       text        NOT NULL,  -- joulesweep version and git revision
    started_at     timestamptz NOT NULL DEFAULT now(),
    heartbeat_at   timestamptz NOT NULL DEFAULT now(),
    state          text        NOT NULL DEFAULT 'active',
    CONSTRAINT coordinator_state_known CHECK (state IN ('active', 'draining', 'exited', 'expired'))
);
CREATE INDEX coordinator_live ON coordinator (heartbeat_at) WHERE state IN ('active', 'draining');

-- The queue: one row per repetition of an experiment. attempt goes up by one at every
-- claim and never down; (owner_id, attempt) fences every write of a claim.
CREATE TABLE run (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id bigint      NOT NULL REFERENCES experiment (experiment_id),
    repetition    integer     NOT NULL,
    seed          bigint      NOT NULL,
    status        text        NOT NULL DEFAULT 'pending',
    priority      integer     NOT NULL DEFAULT 0,        -- higher runs first
    not_before    timestamptz NOT NULL DEFAULT '-infinity',  -- retry backoff
    attempt       integer     NOT NULL DEFAULT 0,
    error_count   integer     NOT NULL DEFAULT 0,        -- failures reported by a worker
    lost_count    integer     NOT NULL DEFAULT 0,        -- leases that expired under it
    max_errors    integer     NOT NULL DEFAULT 3,
    max_lost      integer     NOT NULL DEFAULT 5,
    owner_id      bigint      REFERENCES coordinator (coordinator_id),
    current_epoch integer,                               -- progress while running
    enqueued_at   timestamptz NOT NULL DEFAULT now(),
    claimed_at    timestamptz,
    finished_at   timestamptz,
    last_error    text,
    CONSTRAINT run_repetition_unique UNIQUE (experiment_id, repetition),
    CONSTRAINT run_status_known CHECK (status IN ('pending', 'running', 'done', 'failed')),
    CONSTRAINT run_owned_iff_running CHECK ((status = 'running') = (owner_id IS NOT NULL)),
    CONSTRAINT run_finished_iff_terminal CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL)),
    CONSTRAINT run_repetition_non_negative CHECK (repetition >= 0)
) WITH (fillfactor = 90);
CREATE INDEX run_claim ON run (priority DESC, run_id) WHERE status = 'pending';
CREATE INDEX run_owner ON run (owner_id) WHERE status = 'running';
CREATE INDEX run_failed ON run (run_id) WHERE status = 'failed';
CREATE INDEX run_finished_at ON run (finished_at) WHERE status = 'done';

-- What a finished run produced: written in the same transaction that marks it done.
-- Per-epoch arrays are indexed by epoch (1-based, as SQL arrays are).
CREATE TABLE result (
    run_id                            bigint      PRIMARY KEY REFERENCES run (run_id),
    attempt                           integer     NOT NULL,  -- the claim that produced it
    coordinator_id                    bigint      NOT NULL REFERENCES coordinator (coordinator_id),
    seed                              bigint      NOT NULL,
    host                              text        NOT NULL,
    slurm_job_id                      text,
    software                          jsonb       NOT NULL,  -- joulesweep and library versions
    widths                            integer[]   NOT NULL,  -- hidden layers then output
    parameter_count                   bigint      NOT NULL,
    diverged                          boolean     NOT NULL DEFAULT false,  -- stopped on NaN/Inf
    epoch_wall_s                      real[]      NOT NULL,
    train_loss                        real[]      NOT NULL,
    train_accuracy                    real[]      NOT NULL,
    train_mean_squared_error          real[]      NOT NULL,
    train_mean_absolute_error         real[]      NOT NULL,
    train_root_mean_squared_error     real[]      NOT NULL,
    train_mean_squared_logarithmic_error real[]   NOT NULL,
    train_hinge                       real[]      NOT NULL,
    train_squared_hinge               real[]      NOT NULL,
    train_cosine_similarity           real[]      NOT NULL,
    train_kullback_leibler_divergence real[]      NOT NULL,
    test_loss                         real[]      NOT NULL,
    test_accuracy                     real[]      NOT NULL,
    test_mean_squared_error           real[]      NOT NULL,
    test_mean_absolute_error          real[]      NOT NULL,
    test_root_mean_squared_error      real[]      NOT NULL,
    test_mean_squared_logarithmic_error real[]    NOT NULL,
    test_hinge                        real[]      NOT NULL,
    test_squared_hinge                real[]      NOT NULL,
    test_cosine_similarity            real[]      NOT NULL,
    test_kullback_leibler_divergence  real[]      NOT NULL,
    stored_at                         timestamptz NOT NULL DEFAULT now()
);

-- Joules per epoch of a run, one row per measured domain, with the provenance that
-- makes the number trustworthy. A missing measurement is a missing row, never zeros.
CREATE TABLE energy (
    run_id          bigint  NOT NULL REFERENCES result (run_id),
    source          text    NOT NULL,
    domain          text    NOT NULL,            -- e.g. package-0, dram-0, node
    gross_j         real[]  NOT NULL,            -- per epoch, as measured
    net_j           real[],                      -- per epoch, minus the idle baseline
    baseline_w      real,                        -- idle power measured at job start
    wraps           integer NOT NULL DEFAULT 0,  -- counter wraparounds corrected
    samples         integer NOT NULL,
    largest_gap_s   real,
    node_exclusive  boolean NOT NULL,            -- false: node energy split by CPU-time share
    note            text,
    PRIMARY KEY (run_id, domain),
    CONSTRAINT energy_source_known CHECK (source IN ('rapl_sysfs', 'rapl_msr', 'perf', 'ipmi_dcmi',
        'ipmi_sensor', 'estimate'))
);
