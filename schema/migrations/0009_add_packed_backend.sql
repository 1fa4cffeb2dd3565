-- The packed backend (our own AVX2 GEMM; docs/training.md) joins eigen and onednn: an
-- experiment may ask for it, and a result may record it. `auto` may now resolve to it.
ALTER TABLE experiment
    DROP CONSTRAINT experiment_backend_known,
    ADD CONSTRAINT experiment_backend_known CHECK (
        backend IN ('auto', 'eigen', 'onednn', 'packed'));
ALTER TABLE result
    DROP CONSTRAINT result_backend_known,
    ADD CONSTRAINT result_backend_known CHECK (backend IN ('eigen', 'onednn', 'packed'));
