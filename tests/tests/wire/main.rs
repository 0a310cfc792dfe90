//! The exact wire shape of the token request and of every REST request:
//! method, path, query, headers and body, over real HTTP on 127.0.0.1.

mod base_url;
mod generated_operations;
mod path_segments;
mod rest_operations;
mod token_request;
