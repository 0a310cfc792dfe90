//! Every form Accuro writes reads and writes back byte for byte; malformed
//! values are errors that never repeat the value.

mod accessors;
mod chrono_values;
mod forms;
mod malformed;
