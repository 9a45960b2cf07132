fn main() -> std::process::ExitCode {
    ligerito_node::cli::main()
}
