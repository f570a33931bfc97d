;; Answers what the contract allows to decode but the router cannot use: selected_index out of
;; range, a candidate without a host, a port of 0, a field outside the contract (the plugin
;; workbench's test: hyrouter plugin call lists each).
(module
  (memory (export "memory") 2)
  (data (i32.const 16) "{\"selected_index\":7,\"candidates\":[{\"host\":\"\",\"port\":5520},{\"host\":\"b.example\",\"port\":0}],\"x_debug\":true}")
  (func (export "alloc") (param $len i32) (result i32)
    (if (i32.gt_u (local.get $len) (i32.const 65536)) (then unreachable))
    (i32.const 65536))
  (func (export "on_connect") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 104))))
