// `npm start`: the service on embedded defaults, configured by CHORUS_* environment variables.
import { parseConfig } from './config.js';
import { ServiceError } from './errors.js';
import { startServer } from './server.js';

try {
  const config = parseConfig(process.env);
  const server = await startServer(config);
  console.log(`Chorus example service listening on ${server.url} (gateway ${server.gatewayUrl})`);
  console.log(`data: ${server.dataLocation}${config.databaseUrl === '' ? ' (SQLite, WAL)' : ' (PostgreSQL)'}`);
  console.log(`API: ${server.url}/openapi.json  health: ${server.url}/health`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  console.error(e instanceof ServiceError ? `configuration error: ${e.message}` : e);
  process.exit(1);
}
