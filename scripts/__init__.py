"""Developer scripts; `lock_inputs` is imported by the lock test as well."""
