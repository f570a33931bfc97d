;; Answers with a 1 MiB response (over the default 64 KiB cap); requests go to page 17.
(module
  (memory (export "memory") 18)
  (func (export "alloc") (param i32) (result i32) (i32.const 1114112))
  (func (export "on_connect") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 0) (i64.const 32)) (i64.const 1048576))))
