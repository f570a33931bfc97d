;; A beta whitelist: lets in only the username "alex" and denies everyone else, a client
;; without a username included (which is what a Connect the router could not decode looks like
;; to a plugin that ignores connect_undecodable).
(module
  (memory (export "memory") 2)
  (data (i32.const 16) "{\"deny\":true,\"deny_reason\":\"not on the whitelist\"}")
  (data (i32.const 128) "{}")
  (data (i32.const 256) "\"username\":\"alex\"")

  (func (export "alloc") (param $len i32) (result i32)
    (if (i32.gt_u (local.get $len) (i32.const 65536)) (then unreachable))
    (i32.const 65536))

  ;; Whether the 17 pattern bytes at 256 occur at $p.
  (func $matches (param $p i32) (result i32)
    (local $i i32)
    (block $no
      (loop $next
        (br_if $no
          (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                  (i32.load8_u (i32.add (i32.const 256) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 17)))
        (return (i32.const 1))))
    (i32.const 0))

  (func (export "on_connect") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32)
    (local $last i32)
    (if (i32.ge_u (local.get $len) (i32.const 17))
      (then
        (local.set $last (i32.add (local.get $ptr) (i32.sub (local.get $len) (i32.const 17))))
        (local.set $i (local.get $ptr))
        (loop $scan
          (if (call $matches (local.get $i))
            (then (return (i64.or (i64.shl (i64.const 128) (i64.const 32)) (i64.const 2)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $scan (i32.le_u (local.get $i) (local.get $last))))))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 50))))
