import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT } from './exit-codes.ts';
import { errorOf, exitCodeFor, responseError } from './hub-client.ts';

const answer = (status: number, body: string) => ({ status, contentType: 'application/json', body });

describe('the hub client', () => {
  it('maps HTTP statuses to exit codes', () => {
    const cases: [number, number][] = [
      [400, EXIT.failure],
      [401, EXIT.unauthorized],
      [403, EXIT.unauthorized],
      [404, EXIT.notFound],
      [409, EXIT.failure],
      [500, EXIT.failure],
      [502, EXIT.unreachable],
      [503, EXIT.unreachable],
      [504, EXIT.unreachable],
    ];
    for (const [status, code] of cases) assert.equal(exitCodeFor(status), code, `HTTP ${status}`);
  });

  it("reads the API's error body, reason included", () => {
    assert.deepEqual(
      errorOf(answer(403, '{"error":{"code":"enrollment-refused","reason":"used","message":"m"}}')),
      {
        code: 'enrollment-refused',
        message: 'm',
        reason: 'used',
      },
    );
    assert.equal(errorOf(answer(502, '<html>Bad Gateway</html>')), undefined);
  });

  it('says what was asked and what the hub answered', () => {
    assert.equal(
      responseError(
        answer(404, '{"error":{"code":"not-found","message":"cluster x does not exist"}}'),
        'cluster x',
      ).message,
      'cluster x: cluster x does not exist (not-found)',
    );
    assert.equal(
      responseError(answer(502, 'Bad Gateway'), 'GET /api/v1/summary').message,
      'GET /api/v1/summary: HTTP 502',
    );
    assert.match(responseError(answer(401, '{}'), 'x').message, /run ferry login, or set FERRY_TOKEN$/);
  });
});
