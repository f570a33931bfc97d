;; A maintenance switch: denies every connection, whatever it sends.
(module
  (memory (export "memory") 2)
  (data (i32.const 16) "{\"deny\":true,\"deny_reason\":\"closed for maintenance\"}")
  (func (export "alloc") (param $len i32) (result i32)
    (if (i32.gt_u (local.get $len) (i32.const 65536)) (then unreachable))
    (i32.const 65536))
  (func (export "on_connect") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 52))))
