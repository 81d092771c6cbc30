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

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let _log = telemetry::init(&settings.storage_folder)?;
    let app = Application::build(settings).await?;
    for line in app.banner() {
        println!("{line}");
        tracing::info!("{line}");
    }
    app.run_until_stopped().await?;
    Ok(())
}
