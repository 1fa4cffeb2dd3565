-- Which backend trained each run, and with how many threads: an experiment may ask for
-- `auto`, and the worker resolves it per network (docs/training.md). Results stored
-- before this migration were all trained by the Eigen backend on one thread.
ALTER TABLE result
    ADD COLUMN backend text    NOT NULL DEFAULT 'eigen',
    ADD COLUMN threads integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT result_backend_known CHECK (backend IN ('eigen', 'onednn')),
    ADD CONSTRAINT result_threads_positive CHECK (threads >= 1);
