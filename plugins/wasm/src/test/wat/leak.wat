;; Like a Go-built module: every alloc takes fresh memory and nothing is ever freed (one new
;; 64 KiB page per call). Answers {}.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{}")
  (func (export "alloc") (param $len i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (i32.add (i32.const 1) (i32.shr_u (local.get $len) (i32.const 16)))))
    (if (i32.eq (local.get $old) (i32.const -1)) (then unreachable))
    (i32.shl (local.get $old) (i32.const 16)))
  (func (export "on_connect") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 2))))
