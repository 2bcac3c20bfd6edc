import { run } from "../actions/run-command.js";

await run();
