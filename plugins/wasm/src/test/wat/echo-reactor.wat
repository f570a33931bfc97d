;; A reactor: _initialize must run once per instance before any call. It sets a flag; a call
;; before initialization traps. Answers {} and counts calls in memory at offset 8.
(module
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (data (i32.const 16) "{}")
  (func (export "_initialize")
    (if (global.get $ready) (then unreachable))
    (global.set $ready (i32.const 1)))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "on_connect") (param i32 i32) (result i64)
    (if (i32.eqz (global.get $ready)) (then unreachable))
    (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 2))))
