;; Lacks the on_connect export: the router must refuse it at start-up.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024)))
