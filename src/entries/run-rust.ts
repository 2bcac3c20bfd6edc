import { run } from "../actions/run-rust.js";

await run();
