//! The generator: `generate + format` of `spec/accuro.yaml` and of a
//! synthetic spec of 300 operations built here, and `regen --check` (read,
//! generate, compare with the committed module and the endpoint reference).
//!
//! `cargo bench -p accuro-bench --bench generator`

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn accuro_spec() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| {
        std::fs::read_to_string(workspace().join("spec/accuro.yaml")).expect("spec")
    })
}

/// 100 resources × (list, get, create) = 300 operations, each with the shared
/// `uuid` parameter and error responses, and a schema per resource.
fn synthetic_spec() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut s = String::from("openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: \"1\"\npaths:\n");
        for i in 0..100 {
            let _ = write!(
                s,
                r##"  /rest/v1/things{i}:
    get:
      operationId: list_things{i}
      summary: List things {i}
      description: Lists things {i}.
      parameters:
        - $ref: "#/components/parameters/ClinicUuid"
        - name: filter
          in: query
          schema:
            type: string
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Thing{i}"
        "400":
          $ref: "#/components/responses/Error"
        "401":
          $ref: "#/components/responses/Error"
    post:
      operationId: create_thing{i}
      summary: Create a thing {i}
      description: Creates a thing {i}.
      parameters:
        - $ref: "#/components/parameters/ClinicUuid"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Thing{i}"
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                type: integer
                format: int64
        "400":
          $ref: "#/components/responses/Error"
  /rest/v1/things{i}/{{id}}:
    get:
      operationId: get_thing{i}
      summary: Get a thing {i}
      description: Gets a thing {i}.
      parameters:
        - $ref: "#/components/parameters/ClinicUuid"
        - name: id
          in: path
          required: true
          schema:
            type: integer
            format: int64
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing{i}"
        "404":
          $ref: "#/components/responses/Error"
"##
            );
        }
        s.push_str(
            r##"components:
  parameters:
    ClinicUuid:
      name: uuid
      in: query
      required: true
      schema:
        type: string
  responses:
    Error:
      description: error
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ApiError"
  schemas:
    ApiError:
      type: object
      properties:
        error:
          type: string
"##,
        );
        for i in 0..100 {
            let _ = write!(
                s,
                "    Thing{i}:\n      type: object\n      properties:\n        id:\n          type: integer\n          format: int64\n        name:\n          type: string\n        note:\n          type: string\n        count:\n          type: integer\n          format: int32\n"
            );
        }
        s
    })
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn generate_accuro_spec() -> usize {
    accuro_gen::generate(accuro_spec(), &accuro_gen::Options::default())
        .expect("generate")
        .code
        .len()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn generate_synthetic_300_operations() -> usize {
    let options = accuro_gen::Options {
        spec_name: "synthetic.yaml".into(),
        ..accuro_gen::Options::default()
    };
    let generated = accuro_gen::generate(synthetic_spec(), &options).expect("generate");
    assert_eq!(generated.operations.len(), 300);
    generated.code.len()
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn regen_check() -> bool {
    let paths = xtask::paths::Paths::at(workspace());
    let args = xtask::regen::Args {
        check: true,
        spec: paths.spec(),
        targets: xtask::regen::Target::ALL
            .iter()
            .map(|t| (*t, t.path(&paths)))
            .collect(),
        root: workspace().to_path_buf(),
    };
    xtask::regen::run(&args)
        .expect("regen --check")
        .is_success()
}
