import { describe, expect, it } from 'vitest';
import { namedPaths } from '../../src/import/specKit/outputPaths.js';

describe('namedPaths', () => {
  it('takes file paths from a description, directories as globs', () => {
    expect(namedPaths('Create User model in src/models/user.py').outputs).toEqual(['src/models/user.py']);
    expect(namedPaths('Configure linting (ruff, black) in pyproject.toml and .gitignore').outputs).toEqual(['pyproject.toml', '.gitignore']);
    expect(namedPaths('Create project structure src/models/, tests/.').outputs).toEqual(['src/models/**', 'tests/**']);
  });

  it('reads backticked and non-ASCII paths and files without an extension', () => {
    expect(namedPaths('모델 생성: `src/모델/사용자.py` 및 docker/Dockerfile').outputs).toEqual(['src/모델/사용자.py', 'docker/Dockerfile']);
  });

  it('does not take frameworks, abbreviations, versions or word pairs for files', () => {
    expect(namedPaths('Initialize Node.js project, e.g. with npm; and/or v1.2 in 1.5 days').outputs).toEqual([]);
  });

  it('refuses paths outside the workspace, saying why', () => {
    expect(namedPaths('Write /etc/app.conf and ../shared/x.py')).toEqual({
      outputs: [],
      refused: [
        { path: '/etc/app.conf', reason: 'is absolute' },
        { path: '../shared/x.py', reason: 'contains `..`' },
      ],
    });
  });
});
