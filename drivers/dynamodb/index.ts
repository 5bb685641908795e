export { dynamodbTarget } from './target.js';
