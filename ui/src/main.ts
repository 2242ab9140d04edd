import { mount } from 'svelte';
import './app.css';
import { setupI18n } from './lib/i18n';
import App from './components/App.svelte';

setupI18n();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
