;; The fast path of WASM plugins, hand-written: deny the username "deny", otherwise put
;; "wasm-plugin" into the referral content. No WASI imports, no allocator state: alloc always
;; hands out the same buffer (page 1 onwards, grown when a request is larger), so memory stays
;; flat however many calls an instance serves.
(module
  (memory (export "memory") 2)
  ;; Response documents and the pattern the request is searched for (Go writes compact JSON).
  (data (i32.const 16) "{\"deny\":true,\"deny_reason\":\"denied by wasm plugin\"}")
  (data (i32.const 128) "{\"referral_content\":\"d2FzbS1wbHVnaW4=\"}")
  (data (i32.const 256) "\"username\":\"deny\"")

  (global $buffer i32 (i32.const 65536))

  ;; alloc(len) -> ptr: the request buffer, large enough for len bytes.
  (func (export "alloc") (param $len i32) (result i32)
    (local $need i32)
    (local $have i32)
    (local.set $need
      (i32.shr_u (i32.add (i32.add (global.get $buffer) (local.get $len)) (i32.const 65535)) (i32.const 16)))
    (local.set $have (memory.size))
    (if (i32.gt_u (local.get $need) (local.get $have))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (local.get $have))) (i32.const -1))
          (then unreachable))))
    (global.get $buffer))

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

  ;; on_connect(ptr, len) -> (response ptr << 32) | response len
  (func (export "on_connect") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32)
    (local $last i32)
    (if (i32.ge_u (local.get $len) (i32.const 17))
      (then
        (local.set $last (i32.add (local.get $ptr) (i32.sub (local.get $len) (i32.const 17))))
        (local.set $i (local.get $ptr))
        (loop $scan
          (if (call $matches (local.get $i))
            (then (return (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 51)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $scan (i32.le_u (local.get $i) (local.get $last))))))
    (i64.or (i64.shl (i64.const 128) (i64.const 32)) (i64.const 39)))
)
