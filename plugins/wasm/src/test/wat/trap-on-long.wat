;; Traps when the request is longer than 400 bytes (a long username makes it so), answers {}
;; otherwise: a failure that depends on the input, so a test can show the plugin recovers.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "on_connect") (param $ptr i32) (param $len i32) (result i64)
    (if (i32.gt_u (local.get $len) (i32.const 400)) (then unreachable))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 2))))
