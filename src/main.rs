use argorithm_server::settings::{help_text, Settings};
use argorithm_server::startup::Application;
use argorithm_server::{api, telemetry};
use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("-h" | "--help") => {
            print!("{}", help_text());
            return ExitCode::SUCCESS;
        }
        Some("--print-openapi") => {
            print!("{}", api::spec_yaml());
            return ExitCode::SUCCESS;
        }
        Some("--print-python-runtime") => {
            return match sandbox::PythonSetup::built_in(Default::default()).component {
                Ok(path) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err(why) => {
                    eprintln!("argorithm-server: no Python runtime: {why}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("--prepare-python-runtime") => return prepare_python_runtime(),
        Some(other) => {
            eprintln!("argorithm-server: unknown argument {other:?}; see --help");
            return ExitCode::from(2);
        }
        None => {}
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("argorithm-server: {e}");
            return ExitCode::from(2);
        }
    };
    // Runs execute on blocking threads; a large stack leaves room for the wasm stack limit.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .expect("tokio runtime");
    match runtime.block_on(serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("argorithm-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Compiles the Python runtime into PYTHON_RUNTIME_CACHE (if it is not there yet), so that the
/// first start of a server, e.g. in a container image, need not.
fn prepare_python_runtime() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("argorithm-server: {e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let sandbox = match sandbox::Sandbox::with_python(settings.sandbox.clone(), &settings.python) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("argorithm-server: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    match sandbox.python_status() {
        Ok(compiled) => {
            let what = if compiled { "compiled" } else { "already compiled" };
            println!("python runtime {what} in {}, {:.1} s", settings.python.cache_dir.display(), started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("argorithm-server: the Python runtime is unavailable: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let _log = telemetry::init(&settings.storage_folder, settings.log_files)?;
    let app = Application::build(settings).await?;
    for line in app.banner() {
        println!("{line}");
        tracing::info!("{line}");
    }
    app.run_until_stopped().await?;
    Ok(())
}
